/**
 * bench/doctor-lab: the doctor end to end on the real 3-node lab over SSH — connect to every node (host keys checked
 * against the lab's known_hosts), gather (discovery, NetworkDB through the diagnostic server, kernel tables), the
 * underlay probes and embedded-DNS lookups, then the checks. Goal: < 3 s for a run (connect + runDoctor). The clean
 * lab must give no finding. Needs the lab (`npm run lab`); scripts/test.sh runs it after `lab up`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectNode } from '../src/core/connect';
import type { NodeConnection } from '../src/core/discovery';
import { runDoctor } from '../src/core/doctor';
import { checkHostKey } from '../src/core/transport/knownHosts';
import { labNodeConfig, readLab } from '../src/cli/nodes';

const GOAL_MS = 3000;
const RUNS = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(): Promise<{ connectMs: number; doctorMs: number; findings: string[]; skipped: number }> {
  const lab = await readLab(join(__dirname, '..', '.lab', 'lab.json'));
  const known = readFileSync(lab.knownHosts, 'utf8');
  const verify = (i: { host: string; port: number; keyType: string; key: Buffer }) => checkHostKey(known, i.host, i.port, i.keyType, i.key).status === 'match';
  const t0 = performance.now();
  const conns: NodeConnection[] = await Promise.all(lab.nodes.map((n) => connectNode(labNodeConfig(n), { verifyHostKey: verify, timeoutMs: 15000 })));
  const t1 = performance.now();
  try {
    const { report } = await runDoctor(conns, { probes: true });
    return { connectMs: t1 - t0, doctorMs: performance.now() - t1, findings: report.findings.map((f) => `${f.node} ${f.code}: ${f.message}`), skipped: report.skipped.length };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  const bad = runs.find((r) => r.findings.length > 0);
  if (bad) {
    console.error(`bench/doctor-lab: the clean lab gave findings:\n  ${bad.findings.join('\n  ')}`);
    process.exit(2);
  }
  const total = median(runs.map((r) => r.connectMs + r.doctorMs));
  console.log(`bench/doctor-lab: 3-node lab over SSH, with underlay probes and DNS lookups, no finding; ${runs[0].skipped} checks skipped (IPVS absent in this kernel)`);
  console.log(`  connect: median ${median(runs.map((r) => r.connectMs)).toFixed(0)} ms; runDoctor (gather + probes + checks): median ${median(runs.map((r) => r.doctorMs)).toFixed(0)} ms`);
  console.log(`  end to end: median ${total.toFixed(0)} ms over ${RUNS} runs  (goal < ${GOAL_MS} ms: ${(total / GOAL_MS).toFixed(2)}× of budget)`);
  if (total >= GOAL_MS) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(`bench/doctor-lab broke: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(2);
});
