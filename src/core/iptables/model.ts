/**
 * The one iptables rule model of the codebase. Produced by the parsers in ./parse.ts (iptables-save,
 * `iptables -S`, `iptables -A ...` command lines and `iptables -nvL` listings) and consumed by the
 * linter (src/core/lint) and the netfilter evaluator / tracer (src/core/trace).
 *
 * Positions are 0-based line and UTF-16 column, end exclusive (LSP-compatible), relative to the parsed text.
 */
import type { Diagnostic } from '../diagnostics';

export type TableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security';

export interface Span {
  line: number;
  start: number;
  end: number;
}

/** One option with its arguments, e.g. `! --dport 8080` or `--ctstate RELATED,ESTABLISHED`. */
export interface RuleOption {
  /** Long form name without dashes, e.g. "dport", "ctstate", "to-destination", "set-xmark". */
  name: string;
  negated: boolean;
  args: string[];
  span: Span;
}

/** A `-m <module>` match (or an implicit protocol match such as `-p tcp --dport 80`). */
export interface RuleMatch {
  module: string;
  /** True when the module was loaded implicitly by `-p tcp/udp/icmp`. */
  implicit: boolean;
  options: RuleOption[];
  span: Span;
}

export interface RuleTarget {
  /** Target or chain name: ACCEPT, DROP, DNAT, MARK, DOCKER-USER, ... */
  name: string;
  /** `-g` (goto) instead of `-j`. */
  goto: boolean;
  options: RuleOption[];
  span: Span;
}

/** A match on an address/interface/protocol from the base rule spec (-s/-d/-i/-o/-p). */
export interface BaseMatch {
  value: string;
  negated: boolean;
  span: Span;
}

export type RuleOp = 'A' | 'I' | 'D' | 'R';

export interface Rule {
  table: TableName;
  chain: string;
  op: RuleOp;
  /** Position argument of -I/-R/-D (1-based), when given. */
  position?: number;
  protocol?: BaseMatch;
  source?: BaseMatch;
  destination?: BaseMatch;
  inInterface?: BaseMatch;
  outInterface?: BaseMatch;
  fragment?: BaseMatch;
  matches: RuleMatch[];
  target?: RuleTarget;
  /** Packet/byte counters from `-nvL`, `iptables-save -c` (`[p:b]`) or `-c p b`. */
  counters?: { packets: number; bytes: number };
  /** The rule's source line (0-based) and its whole text. */
  line: number;
  text: string;
  span: Span;
  /** Index of the rule within its chain once all rules are applied (0-based), filled by the ruleset builder. */
  index?: number;
}

export interface Chain {
  name: string;
  builtin: boolean;
  /** Policy for builtin chains (ACCEPT/DROP); undefined for user chains. */
  policy?: string;
  policyCounters?: { packets: number; bytes: number };
  /** Line where the chain was declared (`:NAME`, `-N NAME`, `-P NAME`, `Chain NAME (...)`), if any. */
  declLine?: number;
  rules: Rule[];
  /** References count printed by -nvL for user chains. */
  references?: number;
}

export interface Table {
  name: TableName;
  chains: Map<string, Chain>;
}

/** A parsed ruleset of one network namespace: tables → chains → rules, in order. */
export interface Ruleset {
  tables: Map<TableName, Table>;
  /** Every rule line parsed, in source order (also those that were invalid and skipped carry a diagnostic). */
  rules: Rule[];
  diagnostics: RuleDiagnostic[];
}

/** A diagnostic with an exact span, used by the linter and by parsers. */
export interface RuleDiagnostic extends Diagnostic {
  code: string;
  span: Span;
}

export const BUILTIN_CHAINS: Record<TableName, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};
