/**
 * The per-line parse results (one LineResult per logical line, what ./assemble.ts builds the Ruleset from), the
 * line state they depend on (the current `*table` section), and moving a cached result to another line.
 */
import type { BaseMatch, Rule, RuleDiagnostic, RuleOption, Span, TableName } from './model';

export interface LineState {
  /** Table of the current iptables-save section (`*nat` ... `COMMIT`), if any. */
  table?: TableName;
  /** Table for -S lines and command lines without -t. */
  defaultTable: TableName;
}

export function newLineState(defaultTable: TableName = 'filter'): LineState {
  return { defaultTable };
}

/** The part of the state a line's parse depends on (for caching). */
export function lineStateKey(state: LineState): string {
  return `${state.table ?? ''}/${state.defaultTable}`;
}

const TABLES = new Set<string>(['filter', 'nat', 'mangle', 'raw', 'security']);
export function isTableName(s: string): s is TableName {
  return TABLES.has(s);
}

export type LineKind =
  | 'blank' // empty or comment only
  | 'table' // *filter
  | 'commit'
  | 'chain' // :NAME POLICY [p:b]
  | 'rule' // -A/-I/-D/-R
  | 'policy' // -P
  | 'new-chain' // -N
  | 'delete-chain' // -X
  | 'flush' // -F
  | 'rename' // -E
  | 'other' // -L/-S/-Z/-C, other shell commands
  | 'invalid';

export interface LineResult {
  kind: LineKind;
  line: number;
  /** Table this line applies to. */
  table: TableName;
  /** 'save' = inside an iptables-save `*table` section; 'S' = -S style line; 'command' = shell command line. */
  format: 'save' | 'S' | 'command';
  rule?: Rule;
  /** Chain of -N/-X/-F/-P/-E/:decl (undefined for -X/-F on all chains). */
  chain?: string;
  chainSpan?: Span;
  /** New name for -E. */
  newName?: string;
  policy?: string;
  policyCounters?: { packets: number; bytes: number };
  /** Diagnostics of this line alone. */
  diagnostics: RuleDiagnostic[];
  /**
   * The other commands of a shell line that runs several (`iptables -A X …; iptables -t nat -A Y …`, `… && …`), in
   * order, each a result of its own on the same line (their spans point into it). `withMore` lists them.
   */
  more: LineResult[] | undefined;
  /** `ip6tables` ran this command (shell lines): the IPv6 rule set. */
  ipv6: boolean | undefined;
}

/** The line's result followed by those of the other commands on its line: what the assembler applies, in order. */
export function withMore(r: LineResult): LineResult[] {
  return r.more ? [r, ...r.more] : [r];
}

/**
 * A LineResult with every property present in one fixed order (undefined when absent), like newRule: one hidden
 * class for all line results, and no property store allocated when a rule or chain is attached later.
 */
export function lineResult(kind: LineKind, line: number, table: TableName, format: LineResult['format'], diagnostics: RuleDiagnostic[]): LineResult {
  return { kind, line, table, format, rule: undefined, chain: undefined, chainSpan: undefined, newName: undefined, policy: undefined, policyCounters: undefined, diagnostics, more: undefined, ipv6: undefined };
}

/** Moves a (cached) result to another line number: returns a copy with all spans shifted. */
export function relocateLineResult(r: LineResult, newLine: number): LineResult {
  const delta = newLine - r.line;
  if (delta === 0) return r;
  const sh = (s: Span): Span => ({ line: s.line + delta, start: s.start, end: s.end });
  const shOpt = (o: RuleOption): RuleOption => ({ ...o, span: sh(o.span) });
  const shBase = (b: BaseMatch | undefined): BaseMatch | undefined => (b ? { ...b, span: sh(b.span) } : undefined);
  let rule: Rule | undefined;
  if (r.rule) {
    const x = r.rule;
    rule = {
      ...x,
      line: x.line + delta,
      span: sh(x.span),
      protocol: shBase(x.protocol),
      source: shBase(x.source),
      destination: shBase(x.destination),
      inInterface: shBase(x.inInterface),
      outInterface: shBase(x.outInterface),
      fragment: shBase(x.fragment),
      matches: x.matches.map((m) => ({ ...m, span: sh(m.span), options: m.options.map(shOpt) })),
      target: x.target ? { ...x.target, span: sh(x.target.span), options: x.target.options.map(shOpt) } : undefined,
      index: undefined,
    };
  }
  return {
    ...r,
    line: newLine,
    rule,
    more: r.more?.map((m) => relocateLineResult(m, newLine)),
    chainSpan: r.chainSpan ? sh(r.chainSpan) : undefined,
    diagnostics: r.diagnostics.map((d) => ({ ...d, span: sh(d.span), line: d.span.line + delta + 1 })),
  };
}
