/**
 * `swarmnet doctor [node flags] [--network N] [--diag-port N] [--no-probes] [--json] [--save FILE] [--apply K [--yes]]`:
 * discovers every node, reads its gossip and kernel tables, probes the underlay between nodes, and reports what
 * disagrees across the cluster. Nothing on a node changes unless `--apply K` names a finding and the user
 * confirms its exact commands; the same check then runs again.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { discoverNode, type NodeConnection } from '../core/discovery';
import { formatReport, gatherDoctorNode, runChecks, type DoctorNode, type DoctorReport, type Finding } from '../core/doctor';
import { plannedProbes, runProbes } from '../core/doctor/probes';
import { shellJoin } from '../core/transport/quote';
import { flags } from './args';
import { connectAll, takeNodeOptions } from './nodes';

export const DOCTOR_USAGE = `usage: swarmnet doctor [node flags] [--network NAME|ID] [--diag-port N] [--no-probes] [--json] [--save FILE]
                      [--apply K [--yes]]
  Compares, across all nodes: NetworkDB tables (through the engine's diagnostic server, "network-diagnostic-port"
  in daemon.json), the overlay FDB/neighbour entries, IPVS backends and marks, the routing-mesh rules, subnet use,
  and probes the underlay between nodes (overlay ping at the overlay MTU, 7946/tcp, 2377/tcp).
  --apply K  show finding K's fix as commands, run them on its node only after you confirm, then check again.
  Exit 0: no finding; 1: findings (or a node could not be read); 2: usage error.`;

interface Options {
  network?: string;
  diagPort?: number;
  save?: string;
  json: boolean;
  probes: boolean;
  apply?: number;
  yes: boolean;
}

function takeOptions(args: string[]): Options {
  const o: Options = { json: false, probes: true, yes: false };
  for (const { flag, value } of flags(args)) {
    if (flag === '--network') o.network = value();
    else if (flag === '--diag-port') o.diagPort = Number(value());
    else if (flag === '--save') o.save = value();
    else if (flag === '--json') o.json = true;
    else if (flag === '--no-probes') o.probes = false;
    else if (flag === '--apply') o.apply = Number(value());
    else if (flag === '--yes') o.yes = true;
    else throw new Error(`doctor: unknown option ${flag}\n${DOCTOR_USAGE}`);
  }
  return o;
}

interface Gathered {
  nodes: DoctorNode[];
  conns: Map<string, NodeConnection>;
  errors: string[];
}

async function gatherAll(conns: Map<string, NodeConnection>, o: Options): Promise<DoctorNode[]> {
  const nodes = await Promise.all([...conns.values()].map(async (c) => gatherDoctorNode(c.runner, await discoverNode(c), { diagPort: o.diagPort })));
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  if (o.probes) {
    await Promise.all(
      nodes.map(async (n) => {
        const runner = conns.get(n.name)?.runner;
        if (runner) n.probes = await runProbes(runner, plannedProbes({ nodes, network: o.network }, n));
      }),
    );
  }
  return nodes;
}

async function connect(args: string[]): Promise<Gathered> {
  const o = await takeNodeOptions(args);
  const conns = new Map<string, NodeConnection>();
  const errors: string[] = [];
  for (const c of await connectAll(o)) {
    if (c.conn) conns.set(c.config.name, c.conn);
    else errors.push(`${c.config.name}: ${c.error ?? 'not connected'}`);
  }
  return { nodes: [], conns, errors };
}

const sameFinding = (a: Finding, b: Finding) => a.code === b.code && a.node === b.node && a.message === b.message;

async function apply(g: Gathered, report: DoctorReport, o: Options): Promise<number> {
  const f = report.findings[(o.apply ?? 0) - 1];
  if (!f?.fix) throw new Error(`doctor: finding ${o.apply} ${f ? 'has no fix' : 'does not exist'} (findings are numbered in the report)`);
  const runner = g.conns.get(f.fix.node)?.runner;
  if (!runner) throw new Error(`doctor: no command access to ${f.fix.node}`);
  process.stdout.write(`\nfix for [${o.apply}] ${f.code} on ${f.fix.node} — ${f.fix.title}:\n${f.fix.commands.map((c) => `  ${shellJoin(c)}`).join('\n')}\n`);
  if (!o.yes) {
    if (!process.stdin.isTTY) throw new Error('doctor: refusing to change a node without confirmation (no terminal: add --yes to confirm these exact commands)');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`run these ${f.fix.commands.length} command(s) on ${f.fix.node}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stdout.write('nothing changed\n');
      return 1;
    }
  }
  for (const cmd of f.fix.commands) {
    const r = await runner.run(cmd, { timeoutMs: 15000 });
    process.stdout.write(`  $ ${shellJoin(cmd)} → exit ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}\n`);
    if (r.code !== 0) return 1;
  }
  const again = runChecks({ nodes: await gatherAll(g.conns, o), network: o.network });
  const still = again.findings.some((x) => sameFinding(x, f));
  process.stdout.write(still ? `the same check still finds it: ${f.message}\n` : `checked again: ${f.code} on ${f.node} is gone\n`);
  return still ? 1 : 0;
}

export async function doctorCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  const g = await connect(args);
  try {
    const o = takeOptions(args);
    if (g.conns.size === 0) {
      process.stderr.write(`swarmnet doctor: no node could be read\n${g.errors.join('\n')}\n`);
      return 2;
    }
    g.nodes = await gatherAll(g.conns, o);
    const report = runChecks({ nodes: g.nodes, network: o.network });
    if (o.save) await writeFile(o.save, `${JSON.stringify({ nodes: g.nodes }, null, 1)}\n`);
    process.stdout.write(o.json ? `${JSON.stringify({ ...report, unreachable: g.errors }, null, 2)}\n` : formatReport(report) + g.errors.map((e) => `unreachable: ${e}\n`).join(''));
    if (o.apply !== undefined) return await apply(g, report, o);
    return report.findings.length || g.errors.length ? 1 : 0;
  } finally {
    await Promise.all([...g.conns.values()].map((c) => c.close()));
  }
}
