/**
 * What `--verify` reads on a node, and nothing else: per-rule packet counters from `iptables-save -c` and interface
 * counters from `ip -s -j link`, both read-only, before and after one probe. Parsing goes through the shared
 * iptables parser (src/core/iptables/parse.ts); this module only keys the rules and subtracts.
 */
import { parseDumpText } from '../iptables/parse';

export interface RuleCount {
  table: string;
  chain: string;
  /** 1-based position in the chain; 0 for the chain policy. */
  position: number;
  /** The rule as `iptables-save` prints it without counters (`-A CHAIN ...`), or `-P CHAIN POLICY`. */
  text: string;
  packets: number;
  bytes: number;
}

export interface LinkCount {
  rx: number;
  tx: number;
}

/** One namespace read at one moment. */
export interface NsCounters {
  rules: RuleCount[];
  /** `iptables-save` of the namespace without counters or comment lines: compared before/after to prove nothing changed. */
  ruleText: string;
  links: Record<string, LinkCount>;
  /** What could not be read (tool missing, namespace gone …). */
  problems: string[];
}

const COUNTER_PREFIX = /^\[\d+:\d+\]\s+/;

/** A rule line without its `[packets:bytes]` prefix. */
export function withoutCounters(line: string): string {
  return line.replace(COUNTER_PREFIX, '');
}

/**
 * `iptables-save` text normalised for comparison: no comment lines (they carry the date), no counters on rules or
 * chain policies. Two snapshots of an unchanged namespace give the same string.
 */
export function normalizeSave(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => (l.startsWith(':') ? l.replace(/\s+\[\d+:\d+\]$/, '') : withoutCounters(l)))
    .join('\n');
}

/** Every rule and policy of an `iptables-save -c` dump with its counters, in chain order. */
export function countersFromSave(text: string): RuleCount[] {
  const rs = parseDumpText(text);
  const out: RuleCount[] = [];
  for (const [tableName, table] of rs.tables) {
    for (const chain of table.chains.values()) {
      if (chain.policy && chain.builtin) {
        const c = chain.policyCounters ?? { packets: 0, bytes: 0 };
        out.push({ table: tableName, chain: chain.name, position: 0, text: `-P ${chain.name} ${chain.policy}`, packets: c.packets, bytes: c.bytes });
      }
      chain.rules.forEach((r, i) => {
        const c = r.counters ?? { packets: 0, bytes: 0 };
        out.push({ table: tableName, chain: chain.name, position: i + 1, text: withoutCounters(r.text.trim()), packets: c.packets, bytes: c.bytes });
      });
    }
  }
  return out;
}

/** Interface packet counters from `ip -s -j link`; malformed output gives an empty map and a problem. */
export function linkCountersFromJson(text: string, problems: string[] = []): Record<string, LinkCount> {
  const out: Record<string, LinkCount> = {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('ip -s -j link: output is not JSON (iproute2 too old for -j?)');
    return out;
  }
  if (!Array.isArray(parsed)) return out;
  for (const item of parsed as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as { ifname?: unknown; stats64?: { rx?: { packets?: unknown }; tx?: { packets?: unknown } }; stats?: { rx?: { packets?: unknown }; tx?: { packets?: unknown } } };
    const s = o.stats64 ?? o.stats;
    if (typeof o.ifname !== 'string' || !s) continue;
    const rx = Number(s.rx?.packets);
    const tx = Number(s.tx?.packets);
    if (Number.isFinite(rx) && Number.isFinite(tx)) out[o.ifname.replace(/@.*$/, '')] = { rx, tx };
  }
  return out;
}

/** Identity of a rule across two reads: table, chain, text and which occurrence of that text (positions shift on insert). */
export function ruleKey(r: Pick<RuleCount, 'table' | 'chain' | 'text'>, occurrence = 0): string {
  return `${r.table}\u0000${r.chain}\u0000${r.text}\u0000${occurrence}`;
}

function keyed(rules: readonly RuleCount[]): Map<string, RuleCount> {
  const seen = new Map<string, number>();
  const out = new Map<string, RuleCount>();
  for (const r of rules) {
    const base = ruleKey(r);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.set(ruleKey(r, n), r);
  }
  return out;
}

export interface RuleDelta {
  rule: RuleCount;
  packets: number;
  /** The rule exists after but not before (it was added while we looked). */
  appeared: boolean;
}

/** Counter deltas of every rule present after the probe, keyed with ruleKey. */
export function ruleDeltas(before: readonly RuleCount[], after: readonly RuleCount[]): Map<string, RuleDelta> {
  const b = keyed(before);
  const out = new Map<string, RuleDelta>();
  for (const [k, r] of keyed(after)) {
    const old = b.get(k);
    out.set(k, { rule: r, packets: old ? Math.max(0, r.packets - old.packets) : r.packets, appeared: !old });
  }
  return out;
}

/** Rules (without counters) in `now` but not in `then`, and the reverse: how a namespace changed between two reads. */
export function ruleSetChanges(then: readonly RuleCount[], now: readonly RuleCount[]): { added: RuleCount[]; removed: RuleCount[] } {
  const a = keyed(then);
  const b = keyed(now);
  return {
    added: [...b].filter(([k]) => !a.has(k)).map(([, r]) => r),
    removed: [...a].filter(([k]) => !b.has(k)).map(([, r]) => r),
  };
}

/** Rx/tx deltas of one interface; undefined when it is missing from either read. */
export function linkDelta(before: Record<string, LinkCount>, after: Record<string, LinkCount>, name: string): LinkCount | undefined {
  const b = Object.hasOwn(before, name) ? before[name] : undefined;
  const a = Object.hasOwn(after, name) ? after[name] : undefined;
  if (!a || !b) return undefined;
  return { rx: Math.max(0, a.rx - b.rx), tx: Math.max(0, a.tx - b.tx) };
}
