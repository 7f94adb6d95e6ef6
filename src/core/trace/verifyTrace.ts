/**
 * `--verify=trace` (only when the user allows it): a TRACE rule in the raw table of each namespace on the path,
 * limited to the probe's exact 5-tuple as it looks there and tagged `-m comment --comment swarmnet-verify-<id>`,
 * read with `xtables-monitor --trace` (iptables-nft) while the probe passes, then deleted again. The caller checks
 * `iptables-save` is identical before and after.
 *
 * A namespace whose `iptables-save` has no raw table is left alone: iptables cannot delete a table once it has
 * created it (an empty `*raw` would stay behind), so those namespaces are verified with counters only.
 */
import { nsenterArgv } from '../netns';
import type { CommandRunner } from '../transport/types';
import type { NsCounters } from './verifyCounters';
import { tupleOf } from './verifyProbe';
import { allHops } from './verifyCompare';
import type { TraceResult } from './types';

export interface TraceRuleSpec {
  node: string;
  namespace: string;
  /** Arguments after `iptables -t raw -I|-D <chain>` (the rule itself). */
  rule: string[];
}

export interface TraceEvent {
  table: string;
  chain: string;
  kind: 'rule' | 'return' | 'policy';
  /** Verdict part: CONTINUE, ACCEPT, DROP, JUMP:DOCKER … */
  verdict: string;
  /** The rule as iptables-save prints it (`-A CHAIN …`), for kind "rule". */
  text?: string;
}

export const TRACE_CHAINS = ['PREROUTING', 'OUTPUT'] as const;

/** One TRACE rule per namespace on the path, for the packet as it first appears there; skipped where it is not exact. */
export function traceRuleSpecs(predicted: TraceResult, tag: string): { specs: TraceRuleSpec[]; skipped: { node: string; namespace: string; why: string }[] } {
  const specs: TraceRuleSpec[] = [];
  const skipped: { node: string; namespace: string; why: string }[] = [];
  const seen = new Set<string>();
  for (const h of allHops(predicted.path)) {
    const key = `${h.node}\u0000${h.namespace}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const t = tupleOf(h.packet);
    if (!t || !t.src || !t.sport) {
      skipped.push({ node: h.node, namespace: h.namespace, why: `the packet here (${h.packet}) has no exact 5-tuple (an outer VXLAN source port is a hash of the inner flow)` });
      continue;
    }
    const rule = ['-p', t.proto, '-s', `${t.src}/32`, '-d', `${t.dst}/32`, '-m', t.proto, '--sport', String(t.sport), '--dport', String(t.dport), '-m', 'comment', '--comment', tag, '-j', 'TRACE'];
    specs.push({ node: h.node, namespace: h.namespace, rule });
  }
  return { specs, skipped };
}

/** The raw table and both chains already exist, so inserting and deleting leaves `iptables-save` as it was. */
export function canTraceIn(c: NsCounters | undefined): boolean {
  return !!c && TRACE_CHAINS.every((ch) => c.rules.some((r) => r.table === 'raw' && r.chain === ch && r.position === 0));
}

export function traceInsertArgv(s: TraceRuleSpec, chain: string): string[] {
  return nsenterArgv(s.namespace, ['iptables', '-t', 'raw', '-I', chain, '1', ...s.rule]);
}

export function traceDeleteArgv(s: TraceRuleSpec, chain: string): string[] {
  return nsenterArgv(s.namespace, ['iptables', '-t', 'raw', '-D', chain, ...s.rule]);
}

export function monitorArgv(ns: string, seconds: number): string[] {
  return nsenterArgv(ns, ['timeout', String(seconds), 'xtables-monitor', '--trace']);
}

const shellWord = (w: string): string => (/^[A-Za-z0-9_./:=@,+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The exact commands, as a user would type them, for the confirmation. */
export function traceCommandLines(specs: readonly TraceRuleSpec[]): string[] {
  return specs.flatMap((s) =>
    TRACE_CHAINS.flatMap((ch) => [traceInsertArgv(s, ch), traceDeleteArgv(s, ch)].map((a) => `${s.node}: ${a.map(shellWord).join(' ')}`)),
  );
}

/**
 * `xtables-monitor --trace` output → the events of packets whose PACKET line carries the given ports (the TRACE
 * rule already limits them to the probe; the ports keep someone else's trace out).
 */
export function parseMonitorTrace(text: string, sport: number, dport: number): TraceEvent[] {
  const ours = new Set<string>();
  const out: TraceEvent[] = [];
  for (const line of text.split('\n')) {
    const p = /^PACKET: \d+ ([0-9a-f]+) .*\bSPORT=(\d+) DPORT=(\d+)/.exec(line);
    if (p) {
      if (Number(p[2]) === sport && Number(p[3]) === dport) ours.add(p[1]);
      continue;
    }
    const t = /^\s*TRACE: \d+ ([0-9a-f]+) ([a-z]+):([^:\s]+):(rule|return|policy):?(\S*)\s*(.*)$/.exec(line);
    if (!t || !ours.has(t[1])) continue;
    const kind = t[4] as TraceEvent['kind'];
    const verdict = kind === 'rule' ? t[5].replace(/^0x[0-9a-f]+:?/, '') : t[5];
    const text = kind === 'rule' && t[6] ? t[6].trim().replace(/^-4 -t \S+ /, '') : undefined;
    out.push({ table: t[2], chain: t[3], kind, verdict, text });
  }
  return out;
}

/**
 * Inserts the TRACE rules of one node, runs `during`, and always deletes them again. Returns what went wrong
 * (a failed insert or delete, with the node's message).
 */
export async function withTraceRules<T>(runner: CommandRunner, specs: readonly TraceRuleSpec[], during: () => Promise<T>): Promise<{ value: T; problems: string[] }> {
  const problems: string[] = [];
  const inserted: [TraceRuleSpec, string][] = [];
  try {
    for (const s of specs) {
      for (const ch of TRACE_CHAINS) {
        const r = await runner.run(traceInsertArgv(s, ch));
        if (r.code === 0) inserted.push([s, ch]);
        else problems.push(`${s.node}/${s.namespace}: adding the TRACE rule to raw/${ch} failed: ${r.stderr.trim().slice(0, 200)}`);
      }
    }
    return { value: await during(), problems };
  } finally {
    for (const [s, ch] of inserted.reverse()) {
      const r = await runner.run(traceDeleteArgv(s, ch)).catch((e: unknown) => ({ code: -1, stderr: String(e) }));
      if (r.code !== 0) problems.push(`${s.node}/${s.namespace}: REMOVING the TRACE rule from raw/${ch} failed: ${r.stderr.trim().slice(0, 200)} — remove it by hand: ${traceDeleteArgv(s, ch).join(' ')}`);
    }
  }
}
