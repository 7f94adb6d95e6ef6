/**
 * The shape of a match module (`-m <name>`), modelled on iptables' extensions/libxt_<name>.c: the options it
 * takes (parse), how `iptables -nvL` prints it (print, read back by ../parseList.ts), how the kernel evaluates
 * it (for the tracer) and a phrase for hovers. One file per module in this folder; ./index.ts lists them.
 */
import type { RuleMatch, RuleOption, Span } from '../model';
import type { MatchPacket } from './packet';

export type ArgKind =
  | 'any'
  | 'port' // single port or range a:b (service names allowed)
  | 'ports' // comma list of ports/ranges (multiport)
  | 'addr' // address with optional /prefix or /mask
  | 'addrrange' // a.b.c.d-e.f.g.h
  | 'mark' // value[/mask]
  | 'int'
  | 'ctstate'
  | 'state'
  | 'addrtype'
  | 'hostport' // [ip][-ip][:port[-port]] for DNAT/SNAT
  | 'portrange' // port[-port] (MASQUERADE/REDIRECT --to-ports)
  | 'bpf'; // -m bpf --bytecode: "N,code jt jf k,…"

export interface OptionSpec {
  /** canonical name, without dashes */
  name: string;
  /** number of arguments */
  arity: number;
  kind: ArgKind;
  /** alternative spellings (without dashes) */
  aliases?: string[];
}

export function o(name: string, arity: number, kind: ArgKind = 'any', aliases?: string[]): OptionSpec {
  return { name, arity, kind, aliases };
}

/** A match result: yes, no, or (a string) the reason it cannot be decided offline (the rule is then may-match). */
export type Tri = 'yes' | 'no';
export type MatchResult = Tri | string;

/** What the namespace knows that matches read: its addresses per interface, ipset contents, the hook. */
export interface MatchEnv {
  /** Addresses of the namespace per interface: addrtype LOCAL/BROADCAST, REDIRECT and MASQUERADE use them. */
  ifaceAddresses: Record<string, { address: string; prefixLen: number }[]>;
  /** Known ipsets: `ipset save` parsed (./ipset.ts), or bare entry lists (type inferred from the entries). */
  ipsets?: Record<string, IpSetLike>;
}

/** An ipset as `ipset save` describes it. */
export interface IpSet {
  /** "hash:ip", "hash:net,port", "list:set", ... */
  type: string;
  entries: IpSetEntry[];
}

export interface IpSetEntry {
  /** The element, e.g. "10.0.0.0/24,tcp:80" or "10.0.0.1,eth0"; for list:set the member set's name. */
  element: string;
  /** `nomatch` (hash:net types): an exception inside a larger entry. */
  nomatch: boolean;
  /** `wildcard` (hash:net,iface): the interface name is a prefix ("veth" matches veth0); without it "eth+" is literal. */
  wildcard?: boolean;
}

export type IpSetLike = IpSet | string[];

/** The listing reader's cursor, as a module's `list.read` sees it (implemented by ../parseList.ts). */
export interface ListToken {
  text: string;
  start: number;
  end: number;
}

export interface ListReader {
  /** The word `o` positions ahead of the current one. */
  peek(o?: number): ListToken | undefined;
  /** Moves the cursor `n` words on. */
  advance(n: number): void;
  /** The rule's match for `module`, new, or the last one when `merge` and it is the same module. */
  match(module: string, t: ListToken, merge: boolean): RuleMatch;
  add(m: RuleMatch, name: string, args: string[], negated: boolean, a: ListToken, b: ListToken): void;
  /** `<keyword> <value>` as option `name`; false (the keyword kept as unknown text) when no value follows. */
  keywordValue(m: RuleMatch, name: string, tk: ListToken, neg: boolean): boolean;
  /** The value `at` words ahead after an optional `!`: the word, its negation, the words used. */
  negatedValue(at: number, neg: boolean): { v: ListToken; ng: boolean; adv: number } | undefined;
  /** Marks a word as unrecognised listing text. */
  unknown(t: ListToken): void;
  /** The whole listing line (for comments and quoted text). */
  readonly line: string;
  /** line.lastIndexOf(needle), computed once per line (a reader calls it per word: keeps long lines linear). */
  lastIndexOf(needle: string): number;
}

export interface MatchModule {
  /** `-m <name>` (lower case). */
  name: string;
  options: OptionSpec[];
  /** A protocol module (tcp, udp, icmp, …): a packet of another protocol never matches it. */
  protocol?: boolean;
  /**
   * The options one of which the module needs (`'*'`: any of its own): without, iptables refuses the rule (kernel-checked,
   * iptables 1.8.9: "addrtype: you must specify --src-type or --dst-type", "conntrack: At least one option is required").
   */
  needs?: readonly string[] | '*';
  /** What the module tests, one line (hover of `-m <name>` without options, docs). */
  summary: string;
  /**
   * How `-nvL` prints the module: the words that start its text ("ctstate", "ADDRTYPE", "/*", "spt:…" after
   * "tcp"), and a reader that consumes them (true) or leaves them (false: another reader or unknown text).
   */
  list?: { words: string[]; read(r: ListReader, t: ListToken, neg: boolean): boolean };
  /** Evaluates one option (negation is applied by the caller). */
  evalOption?(o: RuleOption, p: MatchPacket, env: MatchEnv): MatchResult;
  /** Evaluates the whole match when its options only mean something together (policy, set). Negation inside. */
  evalMatch?(m: RuleMatch, p: MatchPacket, env: MatchEnv): MatchResult;
  /** A plain-words phrase for one option ("to destination port 80"); undefined: the generic "matching --x v". */
  hover?(o: RuleOption): string | undefined;
}

export type { Span };
