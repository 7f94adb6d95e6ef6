/**
 * One doctor run over connected nodes (discovery, gossip and kernel tables, probes, checks), and the guarded
 * application of one finding's fix: its exact commands on its node, then the same checks again.
 */
import { discoverNode, type NodeConnection } from '../discovery';
import { gatherDoctorNode } from './gather';
import { plannedDnsQueries, runDnsQueries } from './dns';
import { plannedProbes, runProbes } from './probes';
import { runChecks } from './run';
import type { DoctorNode, DoctorReport, Finding, GuardedFix } from './types';

export interface DoctorOptions {
  network?: string;
  diagPort?: number;
  /** Probe the underlay between nodes and query the embedded DNS from task sandboxes (default true). */
  probes?: boolean;
}

export async function gatherCluster(conns: NodeConnection[], o: DoctorOptions = {}): Promise<DoctorNode[]> {
  const nodes = await Promise.all(conns.map(async (c) => gatherDoctorNode(c.runner, await discoverNode(c), { diagPort: o.diagPort, docker: c.docker })));
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  if (o.probes !== false) {
    await Promise.all(
      nodes.map(async (n) => {
        const runner = conns.find((c) => c.name === n.name)?.runner;
        if (!runner) return;
        const input = { nodes, network: o.network };
        const [probes, dns] = await Promise.all([runProbes(runner, plannedProbes(input, n)), runDnsQueries(runner, plannedDnsQueries(input, n))]);
        n.probes = probes;
        if (typeof dns === 'string') n.dnsSkipped = dns;
        else n.dns = dns;
      }),
    );
  }
  return nodes;
}

export async function runDoctor(conns: NodeConnection[], o: DoctorOptions = {}): Promise<{ nodes: DoctorNode[]; report: DoctorReport }> {
  const nodes = await gatherCluster(conns, o);
  return { nodes, report: runChecks({ nodes, network: o.network }) };
}

export const sameFinding = (a: Finding, b: Finding): boolean => a.code === b.code && a.node === b.node && a.message === b.message;

export interface FixOutcome {
  /** Each command with its exit code and error output. */
  log: { argv: string[]; code: number | null; stderr: string }[];
  /** The finding is no longer reported by the same checks. */
  gone: boolean;
  after: DoctorReport;
}

/** Runs a confirmed fix on its node (stops at the first failing command), then checks again. */
export async function applyFix(conns: NodeConnection[], finding: Finding & { fix: GuardedFix }, o: DoctorOptions = {}): Promise<FixOutcome> {
  const runner = conns.find((c) => c.name === finding.fix.node)?.runner;
  if (!runner) throw new Error(`no command access to ${finding.fix.node}`);
  const log: FixOutcome['log'] = [];
  for (const argv of finding.fix.commands) {
    const r = await runner.run(argv, { timeoutMs: 15000 });
    log.push({ argv, code: r.code, stderr: r.stderr.trim() });
    if (r.code !== 0) break;
  }
  const { report } = await runDoctor(conns, o);
  return { log, gone: !report.findings.some((x) => sameFinding(x, finding)), after: report };
}
