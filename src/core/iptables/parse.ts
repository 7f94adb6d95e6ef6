/**
 * THE iptables parser of the codebase (shared by the DOCKER-USER linter and the packet tracer).
 *
 * Entry points
 * ------------
 *  - `parseRules(text, { defaultTable })`: iptables-save (`*table`, `:CHAIN POLICY [p:b]`, `[p:b] -A ...`, `COMMIT`,
 *    `#` comments), `iptables -S` output (no `*table`: `defaultTable`, default `filter`) and shell command lines
 *    (`iptables [-t nat] -A ...`, `sudo iptables -I DOCKER-USER 1 ...`, `iptables -w -t filter ...`, `ip6tables`,
 *    `iptables-legacy`, `iptables-nft`, `/usr/sbin/iptables`, `$IPT`; `\` continuations; `#` comments; shell quoting).
 *    All three may be mixed in one file, one rule per (logical) line.
 *  - `parseIptablesList(text, table)`: `iptables [-t T] -nvL [CHAIN]` / `-nL` / `--line-numbers` / `-x` listings,
 *    converted into the SAME RuleMatch / RuleTarget shapes as the -S parser (table below).
 *  - `parseDumpText(text, { table })`: detects the format (listing or rules) and calls one of the two.
 *  - `ruleKey(rule)`: a canonical string of a rule's match+target (ignores spans, counters, line, option order;
 *    addresses via `canonicalAddress`, MARK/CONNMARK via `canonicalTargetOptions`): equal keys mean the same kernel
 *    rule. Used for `-D <rulespec>` and to compare -S with -nvL. Cached per Rule object (rules are not mutated).
 *  - `DIAG`: the stable diagnostic codes (./codes.ts). `newRule()`: a Rule with all properties in one fixed order.
 *
 * Incremental use (the linter): parsing is per logical line and linear
 * ---------------------------------------------------------------------
 *    const state = newLineState('filter');
 *    const results = logicalLines(text).map((ll) => parseLogicalLine(ll, state));   // or parseRuleLine(line, no, state)
 *    const ruleset = assembleRuleset(results);
 *  The result of `parseLogicalLine(ll, state)` depends ONLY on `ll.text` and on `state.table` before the call
 *  (`lineStateKey(state)`), so a caller may cache results under the key `lineStateKey(state) + '\n' + ll.text` and
 *  re-parse only changed lines; it must still call `advanceLineState(ll.text, state)` for cached lines (cheap: only
 *  `*table` / `COMMIT` lines change the state). Results hold spans for `ll.line`: when a cached line moved, use
 *  `relocateLineResult(result, newLine)`. `assembleRuleset` (applies -A/-I/-D/-R/-N/-X/-F/-P/-E in order, sets
 *  Rule.index, checks targets against the declared chains) is linear in the number of rules.
 *
 * Model conventions
 * -----------------
 *  - Option names are long names without dashes (`--dport`→`dport`, `--destination-port`→`dport`,
 *    `--dst-type`, `--set-xmark`, ...; aliases from ./spec.ts). Base matches: `-s/--source/--src` → Rule.source,
 *    `-d` → destination, `-i` → inInterface, `-o` → outInterface, `-p` → protocol (lower case; numbers become names
 *    via PROTOCOL_NUMBERS: 6→tcp, 0→all), `-f` → fragment. Addresses from rule text are kept as written; listing
 *    source/destination columns (which drop `/32`) are normalised to CIDR (`127.0.0.11` → `127.0.0.11/32`, bare
 *    IPv6 → /128), `0.0.0.0/0`/`::/0`/`*`/`all`/`0` → absent. Option arguments are kept as printed.
 *  - `-m tcp` written explicitly (iptables-save always writes it) → `implicit: false`; options of the `-p` protocol
 *    without `-m` (`-p tcp --dport 80`) → a match `{ module: 'tcp', implicit: true }`. Listings → `implicit: false`.
 *  - `Ruleset.rules` holds every rule line in source order, including `-D` lines (op 'D') and invalid ones; only rules
 *    without an error diagnostic of their own line are applied to `Ruleset.tables`. Chains appear in `tables` when
 *    declared or used; builtin chains without a `-P`/`:X POLICY` have `policy` undefined.
 *  - `-C` (check), `-L`, `-S`, `-Z` lines are kind 'other' (checked for syntax, not rules); lines that are not iptables
 *    calls (`echo`, `ipset ...`) get an info `syntax/not-iptables`; text after `;`/`&&`/`||`/`|` is ignored (info).
 *    ip6tables lines go into the same tables (the model has no address family).
 *  - Target names: known extensions (spec.ts), declared chains, or (when the table is not a complete dump) any
 *    UPPERCASE-ish name, which is taken as a jump to a chain created elsewhere (Docker's DOCKER-USER ...).
 *
 * -nvL normalisation table (listing text → model, as iptables -S would print the same kernel rule)
 * ------------------------------------------------------------------------------------------------
 *   prot `0`/`all` → no -p; `6`/`tcp` → protocol tcp; `!tcp` → negated      opt `-f`/`!f` → fragment
 *   in/out `*` → absent; `!docker0` → negated; source/destination `0.0.0.0/0` → absent; `10.0.0.5` → 10.0.0.5/32
 *   `tcp dpt:1080` / `spt:X` / `dpts:a:b` / `spts:a:b` / `dpt:!80` → match tcp {dport|sport [...]} (udp, sctp, dccp alike)
 *   `tcp flags:0x17/0x02` (or names) → tcp tcp-flags ["FIN,SYN,RST,ACK","SYN"]; `tcp option=N` → tcp-option
 *   `icmptype 8` / `icmptype 3 code 4` / `icmp echo-request` → icmp icmp-type ["8" | "3/4" | name]
 *   `esp spi:N` / `spis:a:b` → esp espspi
 *   `[!] ctstate S` / `ctproto N` / `ctorigsrc A` / `ctorigdst A` / `ctreplsrc` / `ctrepldst` / `ctorigsrcport` /
 *     `ctorigdstport` / `ctreplsrcport` / `ctrepldstport` / `ctstatus` / `ctexpire` / `ctdir` → one conntrack match
 *     (consecutive conntrack words merge into one match, as -S prints one `-m conntrack` with several options)
 *   `state S` → state state
 *   `ADDRTYPE match src-type X dst-type [!]Y limit-in limit-out` → addrtype src-type/dst-type/limit-iface-in/-out
 *   `multiport dports|sports|ports [!]L` → multiport dports|sports|ports [L]
 *   `/* text *\/` → comment comment ["text"]
 *   `mark match [!] V[/M]` → mark mark ["V[/M]"];  `connmark match [!] V` → connmark mark
 *   `[!] match-set NAME DIMS` (+ `return-nomatch`, ...) → set match-set [NAME, DIMS]
 *   `policy match dir in pol none [strict] [[0] reqid N spi S proto P mode M tunnel-src A tunnel-dst A]` → policy ...
 *     (`proto 50` → "esp"; `[1]`... → `next`)
 *   `PHYSDEV match [!] --physdev-in X --physdev-is-bridged ...` → physdev physdev-in / physdev-is-bridged ...
 *   `[!] ipvs` / `vproto N` / `vaddr A` / `vport P` / `vdir D` / `vmethod M` / `vportctl P` → one ipvs match
 *   `source IP range a-b` / `destination IP range a-b` → iprange src-range / dst-range
 *   `MAC xx:..` → mac mac-source;  `limit: avg R burst B` → limit limit [R] (+ limit-burst when B≠5)
 *   `length L` → length;  `PKTTYPE = T` → pkttype pkt-type;  `[goto]` → target.goto = true
 *   Targets:  `MARK set V` → MARK set-xmark ["V/0xffffffff"]; `MARK xset V/M` → set-xmark ["V/M"];
 *     `MARK or V` → set-xmark ["V/V"]; `MARK xor V` → ["V/0x0"]; `MARK and V` → ["0x0/~V"]
 *     `CONNMARK xset V/M` → set-xmark (same forms), `CONNMARK save` / `restore` → save-mark / restore-mark
 *     (+ nfmask/ctmask 0xffffffff, which the listing omits and -S prints)
 *     target column `CT` + text `NOTRACK` (iptables-nft's rendering of `-j NOTRACK`) → target NOTRACK
 *     `to:A[:P]` → DNAT to-destination / SNAT to-source;  `random` / `persistent` / `random-fully`
 *     `masq ports: P` → MASQUERADE to-ports;  `redir ports P` → REDIRECT to-ports
 *     `reject-with T` → REJECT reject-with;  `LOG flags F level L prefix "X"` → LOG log-prefix, log-level (when ≠4), flags
 *     `TCPMSS clamp to PMTU` → clamp-mss-to-pmtu; `TCPMSS set N` → set-mss;  `CT notrack` / `CT zone N` / `CT helper H`
 *     `NFQUEUE num N` / `balance a:b` / `bypass`;  `TPROXY redirect A:P mark V/M` → on-ip, on-port, tproxy-mark
 *   Anything else → warning `syntax/unknown-list-text` naming the text; the rule is still produced.
 *   Chain headers: `Chain X (policy P [N packets, M bytes])` → builtin chain policy/policyCounters (K/M/G/T = ×1000ⁿ);
 *   `Chain X (N references)` → user chain, references. Column headers (`num pkts bytes target prot opt in out source
 *   destination`, any subset, e.g. -nL) define the columns; an empty target column (rule without -j) is detected.
 *   Verified against real iptables 1.8.9 nft and legacy output (test/unit/iptables-real.test.ts).
 *
 * Parsers are total: any input gives a Ruleset (+ diagnostics with stable codes, see DIAG, and exact spans), never a throw.
 */
import type { BaseMatch, Chain, Rule, RuleDiagnostic, RuleMatch, RuleOp, RuleOption, RuleTarget, Ruleset, Span, Table, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { IMPLICIT_PROTOCOL_MODULES, MATCH_SPECS, PROTOCOL_NUMBERS, TARGET_SPECS, isKnownMatch, isKnownTarget, matchOption, normalizeAddress, targetOption, validateAddress, validateArg } from './spec';
import type { OptionSpec } from './spec';
import { DIAG, mkDiag } from './codes';
import { parseIptablesList } from './parseList';
import { newRule } from './newRule';

export { newRule };
import type { DiagCode } from './codes';
import { own } from '../record';

export { DIAG } from './codes';
export type { DiagCode } from './codes';

// ------------------------------------------------------------------------------------------------ logical lines

/** A logical line: one physical line, or several joined by trailing `\` (command-line files). */
export interface LogicalLine {
  /** 0-based line of the first physical line. */
  line: number;
  /** The text, continuation backslashes replaced by a space. */
  text: string;
  /** For joined lines: offsets in `text` where each following physical line starts. */
  segments?: { offset: number; line: number }[];
}

/** Splits text into logical lines (linear). A line ending in an odd number of `\` continues on the next one. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  let cur: LogicalLine | undefined;
  while (pos <= n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--; // \r\n
    const raw = text.slice(pos, end);
    let bs = 0;
    for (let k = raw.length - 1; k >= 0 && raw.charCodeAt(k) === 92; k--) bs++;
    const cont = bs % 2 === 1 && nl < n;
    const piece = cont ? `${raw.slice(0, raw.length - 1)} ` : raw;
    if (cur) {
      cur.segments ??= [];
      cur.segments.push({ offset: cur.text.length, line: lineNo });
      cur.text += piece;
    } else cur = { line: lineNo, text: piece };
    if (!cont) {
      if (!(nl >= n && cur.text === '' && !cur.segments && pos >= n && out.length > 0)) out.push(cur);
      cur = undefined;
    }
    if (nl >= n) break;
    pos = nl + 1;
    lineNo++;
  }
  if (cur) out.push(cur);
  return out;
}

function spanOf(ll: LogicalLine, start: number, end: number): Span {
  const segs = ll.segments;
  if (!segs) return { line: ll.line, start, end };
  // binary search: last segment with offset <= start (long continued lines stay linear overall)
  let lo = 0;
  let hi = segs.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].offset <= start) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const line = at < 0 ? ll.line : segs[at].line;
  const base = at < 0 ? 0 : segs[at].offset;
  // clamp the end to the physical line of the start (the joining space is not part of it)
  const limit = at + 1 < segs.length ? segs[at + 1].offset - 1 : Infinity;
  return { line, start: start - base, end: Math.max(start, Math.min(end, limit)) - base };
}

// ------------------------------------------------------------------------------------------------ tokenizer

interface Tok {
  text: string;
  start: number;
  end: number;
  /** Some part was quoted or escaped: never an option, `!` or operator. */
  quoted: boolean;
  /** Unquoted shell operator: ; && || | & > < */
  op: boolean;
  /** The whole token is a known option (`-A`, `--dport`, ...): its meaning, looked up once by the tokenizer. */
  opt: OptTok | undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/**
 * Token objects are reused from line to line: tokens never outlive the parse of their line (results keep only
 * their text and spans), so a 5,000-line file does not allocate (and the collector does not sweep) 75,000 of them.
 */
const TOK_POOL: Tok[] = [];

/** The token list of the current line (one array, reused; `length` is the line's token count). */
const TOKS: Tok[] = [];
const TOKENIZED: { toks: Tok[]; unterminated?: number } = { toks: TOKS, unterminated: undefined };

function pushTok(toks: Tok[], k: number, text: string, start: number, end: number, quoted: boolean, op: boolean, opt: OptTok | undefined): void {
  let t = TOK_POOL[k];
  if (t === undefined) {
    t = { text, start, end, quoted, op, opt };
    TOK_POOL.push(t);
  } else {
    t.text = text;
    t.start = start;
    t.end = end;
    t.quoted = quoted;
    t.op = op;
    t.opt = opt;
  }
  // index writes (not push, not length = 0): the array keeps its capacity from line to line
  toks[k] = t;
}

/**
 * Shell-like tokenizer. `#` at a word start ends the line. Returns tokens and unterminated-quote position.
 * The tokens are pooled objects, valid until the next call.
 */
function tokenize(s: string, shellOps: boolean): { toks: Tok[]; unterminated?: number } {
  const toks = TOKS;
  let count = 0;
  const n = s.length;
  let i = 0;
  let unterminated: number | undefined;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */) break;
    const start = i;
    if (shellOps && (c === 59 || c === 38 || c === 124 || c === 62 || c === 60)) {
      // ; & | > <  (and their doubles)
      let j = i + 1;
      if (j < n && (s.charCodeAt(j) === c || (c === 62 && s.charCodeAt(j) === 38))) j++;
      pushTok(toks, count++, s.slice(i, j), start, j, false, true, undefined);
      i = j;
      continue;
    }
    let text = '';
    let quoted = false;
    let plainStart = i;
    while (i < n) {
      c = s.charCodeAt(i);
      if (isSpace(c)) break;
      if (shellOps && (c === 59 || c === 38 || c === 124 || c === 62 || c === 60)) break;
      if (c === 39 /* ' */) {
        text += s.slice(plainStart, i);
        quoted = true;
        const close = s.indexOf("'", i + 1);
        if (close < 0) {
          unterminated ??= i;
          text += s.slice(i + 1);
          i = n;
        } else {
          text += s.slice(i + 1, close);
          i = close + 1;
        }
        plainStart = i;
        continue;
      }
      if (c === 34 /* " */) {
        text += s.slice(plainStart, i);
        quoted = true;
        i++;
        let closed = false;
        let chunk = i;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d === 34) {
            closed = true;
            break;
          }
          if (d === 92 && i + 1 < n) {
            const e = s.charCodeAt(i + 1);
            if (e === 34 || e === 92 || e === 36 || e === 96) {
              text += s.slice(chunk, i) + s[i + 1];
              i += 2;
              chunk = i;
              continue;
            }
          }
          i++;
        }
        text += s.slice(chunk, i);
        if (!closed) unterminated ??= chunk - 1;
        else i++;
        plainStart = i;
        continue;
      }
      if (c === 92 /* \ */ && i + 1 < n) {
        text += s.slice(plainStart, i) + s[i + 1];
        quoted = true;
        i += 2;
        plainStart = i;
        continue;
      }
      i++;
    }
    if (!quoted && s.charCodeAt(start) === 45 /* - */) {
      // an option: known ones come from the table (no copy of their text, no lookups by name later)
      const opt = optionToken(s, start, i);
      if (opt !== undefined) {
        pushTok(toks, count++, opt.text, start, i, false, false, opt);
        continue;
      }
    }
    text = text === '' ? s.slice(plainStart, i) : text + s.slice(plainStart, i);
    pushTok(toks, count++, text, start, i, quoted, false, undefined);
  }
  if (toks.length !== count) toks.length = count;
  TOKENIZED.unterminated = unterminated;
  return TOKENIZED;
}

// ------------------------------------------------------------------------------------------------ line state

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

/** Applies the state change of a line without parsing it (for cached lines): exactly what parseLogicalLine does. */
export function advanceLineState(text: string, state: LineState): void {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  // only `*table` and `COMMIT` lines change the state: re-parse just those (cheap, and identical by construction)
  if (c === 42 /* * */ || c === 67 /* C */) parseLogicalLine({ line: 0, text }, state);
}

// ------------------------------------------------------------------------------------------------ line results

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
}

/**
 * A LineResult with every property present in one fixed order (undefined when absent), like newRule: one hidden
 * class for all line results, and no property store allocated when a rule or chain is attached later.
 */
function lineResult(kind: LineKind, line: number, table: TableName, format: LineResult['format'], diagnostics: RuleDiagnostic[]): LineResult {
  return { kind, line, table, format, rule: undefined, chain: undefined, chainSpan: undefined, newName: undefined, policy: undefined, policyCounters: undefined, diagnostics };
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
    chainSpan: r.chainSpan ? sh(r.chainSpan) : undefined,
    diagnostics: r.diagnostics.map((d) => ({ ...d, span: sh(d.span), line: d.span.line + delta + 1 })),
  };
}

// ------------------------------------------------------------------------------------------------ per-line parser

const BINARIES = new Set(['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'ip6tables-legacy', 'ip6tables-nft']);
const WRAPPERS = new Set(['sudo', 'doas', 'exec', 'command', 'nsenter', 'env', 'ip']);

function isBinary(t: Tok): boolean {
  if (t.op || t.text.includes('=')) return false;
  const s = t.text;
  const slash = s.lastIndexOf('/');
  const base = slash >= 0 ? s.slice(slash + 1) : s;
  // `$IPT …`, `"$ipt" …`: a variable holding the binary
  return BINARIES.has(base) || (s.startsWith('$') && /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(s));
}

/**
 * Parses one physical line (no `\` continuation handling: use `logicalLines` + `parseLogicalLine` for files).
 * Mutates `state` for `*table` / `COMMIT` lines.
 */
export function parseRuleLine(line: string, lineNo: number, state: LineState): LineResult {
  return parseLogicalLine({ line: lineNo, text: line }, state);
}

export function parseLogicalLine(ll: LogicalLine, state: LineState): LineResult {
  const text = ll.text;
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const table = state.table ?? state.defaultTable;
  const inSave = state.table !== undefined;
  const fmt: LineResult['format'] = inSave ? 'save' : 'S';
  if (i >= n || text.charCodeAt(i) === 35) return lineResult('blank', ll.line, table, fmt, []);
  const c = text.charCodeAt(i);
  const diags: RuleDiagnostic[] = [];

  if (c === 42 /* * */) {
    const { toks } = tokenize(text, false);
    const name = toks[0].text.slice(1);
    if (isTableName(name)) {
      state.table = name;
      for (const t of toks.slice(1)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}" after the table name`, spanOf(ll, t.start, t.end), t.text));
      return lineResult('table', ll.line, name, 'save', diags);
    }
    state.table = undefined;
    diags.push(mkDiag('error', DIAG.unknownTable, `unknown table "${name}" (valid: filter, nat, mangle, raw, security)`, spanOf(ll, toks[0].start + 1, toks[0].end), toks[0].text));
    return lineResult('invalid', ll.line, table, 'save', diags);
  }
  if (c === 67 /* C */ && text.startsWith('COMMIT', i) && (i + 6 === n || isSpace(text.charCodeAt(i + 6)) || text.charCodeAt(i + 6) === 35)) {
    const { toks } = tokenize(text, false);
    for (const t of toks.slice(1)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}" after COMMIT`, spanOf(ll, t.start, t.end), t.text));
    if (!inSave) diags.push(mkDiag('warning', DIAG.unexpectedToken, 'COMMIT without a *table section', spanOf(ll, i, i + 6), 'COMMIT'));
    state.table = undefined;
    return lineResult('commit', ll.line, table, 'save', diags);
  }
  if (c === 58 /* : */) return parseChainDecl(ll, i, table, fmt, diags);

  // `[0:0] -A …` (iptables-save -c counters) is not shell; `[ -n "$x" ] && iptables …` / `[[ … ]] && …` is
  const shell = c !== 45 /* - */ && (c !== 91 /* [ */ || text.charCodeAt(i + 1) === 91 || isSpace(text.charCodeAt(i + 1)));
  const { toks, unterminated } = tokenize(text, shell);
  if (unterminated !== undefined) diags.push(mkDiag('error', DIAG.unterminatedQuote, 'unterminated quote', spanOf(ll, unterminated, n), text.slice(unterminated)));
  let k = 0;
  let counters: { packets: number; bytes: number } | undefined;
  if (toks.length && toks[0].text.startsWith('[') && !toks[0].quoted && !shell) {
    counters = parseBracketCounters(ll, toks[0], diags);
    k = 1;
  } else if (shell) {
    return parseShellLine(ll, toks, state, table, diags);
  }
  const res = parseArgs(ll, toks, k, table, fmt, diags);
  if (counters && res.rule) res.rule.counters = counters;
  return res;
}

// ------------------------------------------------------------------------------------------------ shell lines

/** Words that start or continue a shell compound command before the command itself (`if ! iptables -C …; then`). */
const SHELL_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time', 'fi', 'done', '}', ')', 'exec']);
const SEPARATORS = new Set([';', ';;', '&&', '||', '|', '&']);

/** The tokens without shell redirections (`2>/dev/null`, `>/dev/null 2>&1`, `&>/dev/null`, `< file`). */
function withoutRedirections(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let q = 0; q < toks.length; q++) {
    const t = toks[q];
    const redirect = t.op && (t.text.startsWith('>') || t.text.startsWith('<'));
    if (!redirect) {
      // `&>file`: an `&` right before a `>`
      if (t.op && t.text === '&' && toks[q + 1]?.op && toks[q + 1].text.startsWith('>') && toks[q + 1].start === t.end) continue;
      out.push(t);
      continue;
    }
    const prev = out[out.length - 1];
    if (prev && !prev.op && !prev.quoted && prev.end === t.start && /^\d+$/.test(prev.text)) out.pop();
    const next = toks[q + 1];
    if (next && !next.op) q++;
  }
  return out;
}

/** Splits the tokens at `;`, `&&`, `||`, `|`, `&` into simple commands. */
function shellCommands(toks: Tok[]): Tok[][] {
  const out: Tok[][] = [[]];
  for (const t of toks) {
    if (t.op && SEPARATORS.has(t.text)) out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((c) => c.length > 0);
}

const EXEC_FLAGS_WITH_VALUE = new Set(['-u', '--user', '-e', '--env', '-w', '--workdir', '--env-file']);

/** `docker exec [flags] CONTAINER …` (or podman, or `kubectl exec … --`): the index after it, else k. */
function containerExec(cmd: Tok[], k: number): number {
  const tool = cmd[k]?.text;
  if (!(tool === 'docker' || tool === 'podman' || tool === 'kubectl') || cmd[k + 1]?.text !== 'exec') return k;
  let j = k + 2;
  while (j < cmd.length && cmd[j].text.startsWith('-') && cmd[j].text !== '--') j += EXEC_FLAGS_WITH_VALUE.has(cmd[j].text) ? 2 : 1;
  if (tool === 'kubectl') {
    while (j < cmd.length && cmd[j].text !== '--') j++;
    return j < cmd.length ? j + 1 : k;
  }
  return j < cmd.length ? j + 1 : k; // the container
}

/** Index of the token after the iptables binary in a simple command (`[sudo [-flags]] [VAR=x] iptables …`), or -1. */
function afterBinary(cmd: Tok[]): number {
  let k = 0;
  // a shell prompt (`$ iptables …`, `# iptables …` is a comment) and compound-command keywords
  if (cmd.length > 1 && !cmd[0].quoted && cmd[0].text === '$') k++;
  while (k < cmd.length && !cmd[k].quoted && SHELL_KEYWORDS.has(cmd[k].text)) k++;
  const first = k;
  while (k < cmd.length) {
    const t = cmd[k];
    // `$SUDO iptables …`, `$SUDO docker exec c iptables …`: the variable is a wrapper when a binary or wrapper follows
    const next = cmd[k + 1];
    const wrapsMore = next !== undefined && (isBinary(next) || WRAPPERS.has(next.text) || containerExec(cmd, k + 1) > k + 1);
    if (isBinary(t) && !(t.text.startsWith('$') && wrapsMore)) return k + 1;
    if (t.text.startsWith('$')) {
      k++;
      continue;
    }
    const inContainer = containerExec(cmd, k);
    if (inContainer > k) {
      k = inContainer;
      continue;
    }
    if (WRAPPERS.has(t.text) || (k > first && (t.text.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.text))) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.text)) {
      k++;
      continue;
    }
    return -1;
  }
  return -1;
}

/**
 * A shell line: the iptables call that changes rules is the line's rule (`iptables -C X || iptables -I X`,
 * `if ! iptables -C …; then iptables -A …; fi`, `iptables … 2>/dev/null || true`); other shell text is ignored.
 */
function parseShellLine(ll: LogicalLine, toks: Tok[], state: LineState, table: TableName, diags: RuleDiagnostic[]): LineResult {
  const cmds = shellCommands(withoutRedirections(toks));
  let chosen: LineResult | undefined;
  for (const cmd of cmds) {
    const k = afterBinary(cmd);
    if (k < 0) continue;
    const own: RuleDiagnostic[] = [];
    const res = parseArgs(ll, cmd, k, state.defaultTable, 'command', own);
    // a change (-A/-I/-D/-N/-F/…) wins over a check (-C) or listing (-L/-S)
    if (!chosen || chosen.kind === 'other' || chosen.kind === 'blank') chosen = res;
    else if (res.kind !== 'other' && res !== chosen) {
      diags.push(mkDiag('info', DIAG.multipleCommands, 'a second iptables command on this line is not linted (one rule per line): put it on its own line', spanOf(ll, cmd[0].start, cmd[cmd.length - 1].end), ll.text.slice(cmd[0].start, cmd[cmd.length - 1].end)));
    }
  }
  if (!chosen) {
    const i = toks.length ? toks[0].start : 0;
    diags.push(mkDiag('info', DIAG.notIptables, 'not an iptables rule: line ignored', spanOf(ll, i, ll.text.length), ll.text.slice(i)));
    return lineResult('other', ll.line, table, 'command', diags);
  }
  if (diags.length) chosen.diagnostics = [...diags, ...chosen.diagnostics];
  return chosen;
}

function parseBracketCounters(ll: LogicalLine, t: Tok, diags: RuleDiagnostic[]): { packets: number; bytes: number } | undefined {
  const m = /^\[(\d+):(\d+)\]$/.exec(t.text);
  if (!m) {
    diags.push(mkDiag('error', DIAG.badCounters, `"${t.text}" is not a [packets:bytes] counter`, spanOf(ll, t.start, t.end), t.text));
    return undefined;
  }
  return { packets: Number(m[1]), bytes: Number(m[2]) };
}

function parseChainDecl(ll: LogicalLine, i: number, table: TableName, format: LineResult['format'], diags: RuleDiagnostic[]): LineResult {
  const { toks } = tokenize(ll.text, false);
  const first = toks[0];
  const name = first.text.slice(1);
  const chainSpan = spanOf(ll, first.start + 1, first.end);
  const res = lineResult('chain', ll.line, table, format, diags);
  res.chain = name;
  res.chainSpan = chainSpan;
  if (format !== 'save') diags.push(mkDiag('warning', DIAG.unexpectedToken, 'chain declaration outside a *table section', spanOf(ll, i, i + 1), ':'));
  if (name === '') {
    diags.push(mkDiag('error', DIAG.noChain, 'missing chain name after ":"', spanOf(ll, first.start, first.end), first.text));
    res.kind = 'invalid';
    return res;
  }
  checkChainName(name, chainSpan, diags);
  const pol = toks[1];
  if (!pol) {
    diags.push(mkDiag('error', DIAG.missingArgument, `missing policy for chain ${name} ("-" for user chains)`, spanOf(ll, first.end, first.end), first.text));
    return res;
  }
  const builtin = BUILTIN_CHAINS[table].includes(name);
  if (pol.text !== '-') {
    if (pol.text !== 'ACCEPT' && pol.text !== 'DROP') diags.push(mkDiag('error', DIAG.badPolicy, `bad policy "${pol.text}" (ACCEPT or DROP)`, spanOf(ll, pol.start, pol.end), pol.text));
    else if (!builtin) diags.push(mkDiag('error', DIAG.badPolicy, `${name} is not a builtin chain of table ${table}: it cannot have a policy`, spanOf(ll, pol.start, pol.end), pol.text));
    else res.policy = pol.text;
  } else if (builtin) diags.push(mkDiag('error', DIAG.badPolicy, `builtin chain ${name} needs a policy (ACCEPT or DROP)`, spanOf(ll, pol.start, pol.end), pol.text));
  if (toks[2]) {
    const c = parseBracketCounters(ll, toks[2], diags);
    if (c) res.policyCounters = c;
  }
  for (const t of toks.slice(3)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}"`, spanOf(ll, t.start, t.end), t.text));
  return res;
}

const SPACE_RE = /\s/;

function checkChainName(name: string, span: Span, diags: RuleDiagnostic[]): boolean {
  if (name.length > 28) {
    diags.push(mkDiag('error', DIAG.badChainName, `chain name "${name}" is longer than 28 characters`, span, name));
    return false;
  }
  if (name.startsWith('-') || name.startsWith('!') || SPACE_RE.test(name)) {
    diags.push(mkDiag('error', DIAG.badChainName, `invalid chain name "${name}"`, span, name));
    return false;
  }
  return true;
}

type Cmd = 'A' | 'I' | 'D' | 'R' | 'N' | 'X' | 'F' | 'P' | 'E' | 'L' | 'S' | 'Z' | 'C';
const CMD_SHORT_O: Record<string, Cmd> = { A: 'A', I: 'I', D: 'D', R: 'R', N: 'N', X: 'X', F: 'F', P: 'P', E: 'E', L: 'L', S: 'S', Z: 'Z', C: 'C' };
const CMD_LONG_O: Record<string, Cmd> = {
  append: 'A', insert: 'I', delete: 'D', replace: 'R', 'new-chain': 'N', new: 'N', 'delete-chain': 'X', flush: 'F', policy: 'P',
  'rename-chain': 'E', list: 'L', 'list-rules': 'S', zero: 'Z', check: 'C',
};
type BaseOpt = 'p' | 's' | 'd' | 'i' | 'o' | 'f' | 'm' | 'j' | 'g' | 'c' | 't' | 'w' | 'W' | 'flag';
const BASE_SHORT_O: Record<string, BaseOpt> = { p: 'p', s: 's', d: 'd', i: 'i', o: 'o', f: 'f', m: 'm', j: 'j', g: 'g', c: 'c', t: 't', w: 'w', W: 'W', v: 'flag', n: 'flag', x: 'flag', '4': 'flag', '6': 'flag' };
const BASE_LONG_O: Record<string, BaseOpt> = {
  protocol: 'p', source: 's', src: 's', destination: 'd', dst: 'd', 'in-interface': 'i', 'out-interface': 'o', fragment: 'f',
  match: 'm', jump: 'j', goto: 'g', 'set-counters': 'c', table: 't', wait: 'w', 'wait-interval': 'W', verbose: 'flag',
  numeric: 'flag', exact: 'flag', 'line-numbers': 'flag', ipv4: 'flag', ipv6: 'flag', modprobe: 'flag',
};
// Maps, not objects: lookups with freshly sliced strings stay cheap (no internalisation)
const CMD_SHORT = new Map(Object.entries(CMD_SHORT_O));
const CMD_LONG = new Map(Object.entries(CMD_LONG_O));
const BASE_SHORT = new Map(Object.entries(BASE_SHORT_O));
const BASE_LONG = new Map(Object.entries(BASE_LONG_O));
/**
 * Every option token iptables knows, spelled out (`-A`, `--append`, `-p`, `--dport`, `--to-destination`, ...), with
 * what it means. The tokenizer finds a token here by a hash of its characters, without slicing it.
 */
interface OptTok {
  /** The token, e.g. "--dport". */
  text: string;
  isLong: boolean;
  /** Without dashes (the long form for long options, the letter for short ones). */
  name: string;
  cmd: Cmd | undefined;
  base: BaseOpt | undefined;
}
const OPT_BITS = 11;
const OPT_TABLE: (OptTok | undefined)[] = new Array<OptTok | undefined>(1 << OPT_BITS).fill(undefined);

function optSlot(h: number): number {
  return (h ^ (h >>> 13)) & ((1 << OPT_BITS) - 1);
}

function addOptionToken(text: string): void {
  const isLong = text.startsWith('--');
  const name = text.slice(isLong ? 2 : 1);
  const opt: OptTok = { text, isLong, name, cmd: (isLong ? CMD_LONG : CMD_SHORT).get(name), base: (isLong ? BASE_LONG : BASE_SHORT).get(name) };
  let slot = optSlot(hashRange(text, 0, text.length));
  for (;;) {
    const cur = OPT_TABLE[slot];
    if (cur === undefined) {
      OPT_TABLE[slot] = opt;
      return;
    }
    if (cur.text === text) return;
    slot = (slot + 1) & ((1 << OPT_BITS) - 1);
  }
}
for (const k of CMD_SHORT.keys()) addOptionToken(`-${k}`);
for (const k of BASE_SHORT.keys()) addOptionToken(`-${k}`);
for (const k of CMD_LONG.keys()) addOptionToken(`--${k}`);
for (const k of BASE_LONG.keys()) addOptionToken(`--${k}`);
for (const specs of [...Object.values(MATCH_SPECS), ...Object.values(TARGET_SPECS)]) {
  for (const o of specs) for (const n of [o.name, ...(o.aliases ?? [])]) addOptionToken(`--${n}`);
}

/** FNV-1a of s[start, end). */
function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** The known option token that s[start, end) spells, if any. */
function optionToken(s: string, start: number, end: number): OptTok | undefined {
  const len = end - start;
  if (len > 40) return undefined;
  let slot = optSlot(hashRange(s, start, end));
  for (;;) {
    const cur = OPT_TABLE[slot];
    if (cur === undefined) return undefined;
    const t = cur.text;
    if (t.length === len) {
      let k = 0;
      while (k < len && t.charCodeAt(k) === s.charCodeAt(start + k)) k++;
      if (k === len) return cur;
    }
    slot = (slot + 1) & ((1 << OPT_BITS) - 1);
  }
}

const KNOWN_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'all', 'gre', 'ipip', 'ipencap', 'igmp', 'ospf', 'vrrp', 'pim', 'dccp', 'l2tp', 'ipv6', 'ipv6-route', 'ipv6-frag', 'ipv6-nonxt', 'ipv6-opts', 'egp', 'rsvp', 'ip', 'hopopt', 'ipcomp', 'sctp', 'carp', 'pfsync']);
/** Explicit protocol matches and the protocol (-p) they need. */
const PROTO_MATCH = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'esp', 'ah']);
const PORT_PROTOS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);

function looksLikeOption(t: Tok): boolean {
  return !t.quoted && !t.op && t.text.length > 1 && t.text.charCodeAt(0) === 45 && !(t.text.charCodeAt(1) >= 48 && t.text.charCodeAt(1) <= 57);
}

interface ArgCtx {
  ll: LogicalLine;
  toks: Tok[];
  diags: RuleDiagnostic[];
  /** A pending `!` (negates the next option). */
  neg: Tok | undefined;
}

/** The argument context of the line being parsed (parseArgs is not re-entrant: one object for every line). */
const ARG_CTX: ArgCtx = { ll: { line: 0, text: '' }, toks: [], diags: [], neg: undefined };

function tokSpan(ll: LogicalLine, t: Tok): Span {
  return spanOf(ll, t.start, t.end);
}

function errTok(c: ArgCtx, code: DiagCode, msg: string, t: Tok): void {
  c.diags.push(mkDiag('error', code, msg, tokSpan(c.ll, t), t.text));
}

function takeNeg(c: ArgCtx): boolean {
  const v = c.neg !== undefined;
  c.neg = undefined;
  return v;
}

function baseMatch(ll: LogicalLine, v: string, neg: boolean, t: Tok): BaseMatch {
  return { value: v, negated: neg, span: tokSpan(ll, t) };
}

/** What takeArgs took: `n` tokens in `args[0..n)`, the next token index, an old-style `!`. Reused by every call. */
interface Taken {
  n: number;
  args: Tok[];
  next: number;
  neg: boolean;
}
const TAKEN: Taken = { n: 0, args: [], next: 0, neg: false };

/**
 * Takes `count` arguments after toks[at]; supports old-style `--opt ! arg` negation. Fills TAKEN (valid until the
 * next call: no per-option result object or array); false (and a diagnostic) when arguments are missing.
 */
function takeArgs(c: ArgCtx, at: number, count: number, optTok: Tok, inline: string | undefined): boolean {
  const toks = c.toks;
  const args = TAKEN.args;
  let n = 0;
  let j = at + 1;
  let neg = false;
  if (inline !== undefined) {
    args[n++] = { text: inline, start: optTok.end - inline.length, end: optTok.end, quoted: true, op: false, opt: undefined };
    count--;
  }
  if (count > 0 && j < toks.length && !toks[j].quoted && toks[j].text === '!' && j + 1 < toks.length) {
    neg = true;
    j++;
  }
  while (count > 0) {
    const t = toks[j];
    if (!t || t.op || looksLikeOption(t) || (t.text === '!' && !t.quoted)) {
      errTok(c, DIAG.missingArgument, `option ${optTok.text} needs ${n === 0 && count === 1 ? 'an argument' : `${count} more argument(s)`}`, optTok);
      return false;
    }
    args[n++] = t;
    j++;
    count--;
  }
  TAKEN.n = n;
  TAKEN.next = j;
  TAKEN.neg = neg;
  return true;
}

/** Appends to an array of a model object: one- and two-element arrays are allocated at their exact size. */
function append<T>(list: T[], x: T): T[] {
  const n = list.length;
  if (n === 0) return [x];
  if (n === 1) return [list[0], x];
  list.push(x);
  return list;
}

function tokText(t: Tok): string {
  return t.text;
}

function parseArgs(ll: LogicalLine, toks: Tok[], k: number, defaultTable: TableName, format: LineResult['format'], diags: RuleDiagnostic[]): LineResult {
  const c = ARG_CTX;
  c.ll = ll;
  c.toks = toks;
  c.diags = diags;
  c.neg = undefined;
  let table: TableName = defaultTable;
  let cmd: Cmd | undefined;
  let cmdTok: Tok | undefined;
  let chain: string | undefined;
  let chainTok: Tok | undefined;
  /** The positional argument after the chain (-I n, -D n, -R n, -P POLICY, -E NEW), if any. */
  let cmdArg: Tok | undefined;
  let tableTok: Tok | undefined;
  let ruleStarted = false;
  let counters: { packets: number; bytes: number } | undefined;
  const first = toks[k];
  let opAt = -1;
  for (let q = 0; q < toks.length; q++) {
    if (toks[q].op) {
      opAt = q;
      break;
    }
  }
  const lastTok = opAt > 0 ? toks[opAt - 1] : opAt === 0 ? undefined : toks[toks.length - 1];
  const rule = newRule(table, '', ll.line, ll.text, spanOf(ll, toks.length ? toks[0].start : 0, lastTok ? lastTok.end : ll.text.length));
  let lastMatch: RuleMatch | undefined;
  let lastUnknownModule: RuleMatch | undefined;
  let implicitMatch: RuleMatch | undefined;
  let tailOp: Tok | undefined;

  let i = k;
  while (i < toks.length) {
    const t = toks[i];
    if (t.op) {
      tailOp = t;
      break;
    }
    if (!t.quoted && t.text === '!') {
      if (c.neg) errTok(c, DIAG.unexpectedToken, 'double negation "! !"', t);
      c.neg = t;
      i++;
      continue;
    }
    if (!looksLikeOption(t)) {
      // `iptables $line`: a variable expands to options nobody can see here (unknown, not wrong)
      if (!(format === 'command' && /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(t.text))) errTok(c, DIAG.unexpectedToken, `unexpected argument "${t.text}"`, t);
      i++;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let isLong = false;
    const known = t.opt;
    if (known !== undefined) {
      isLong = known.isLong;
      name = known.name;
    } else if (t.text.startsWith('--')) {
      isLong = true;
      name = t.text.slice(2);
      const eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
    } else if (t.text.length > 2 && /^-[nvx]*[LSZ][nvx]*$/.test(t.text)) {
      // short options bundled as getopt reads them: `-nL`, `-nvL`, `-Ln` (listing flags and one listing command)
      name = t.text.replace(/[-nvx]/g, '');
    } else {
      name = t.text.slice(1, 2);
      if (t.text.length > 2) inline = t.text.slice(2);
    }
    const command = known !== undefined ? known.cmd : isLong ? CMD_LONG.get(name) : CMD_SHORT.get(name);
    if (command && (isLong || inline === undefined || ruleStarted === false)) {
      // -A CHAIN / -I CHAIN [n] / -D CHAIN [n] / -R CHAIN n / -N C / -X [C] / -F [C] / -P C POL / -E OLD NEW
      if (c.neg) {
        errTok(c, DIAG.unexpectedToken, `"!" cannot negate ${t.text}`, c.neg);
        c.neg = undefined;
      }
      if (cmd) {
        errTok(c, DIAG.multipleCommands, `only one command per line (already ${cmdTok?.text})`, t);
        i++;
        continue;
      }
      cmd = command;
      cmdTok = t;
      let j = i + 1;
      if (inline !== undefined && !isLong) {
        chain = inline;
        chainTok = { text: inline, start: t.start + 2, end: t.end, quoted: false, op: false, opt: undefined };
      } else if (inline !== undefined) {
        chain = inline;
        chainTok = { text: inline, start: t.end - inline.length, end: t.end, quoted: false, op: false, opt: undefined };
      } else if (j < toks.length && !toks[j].op && !looksLikeOption(toks[j]) && !(toks[j].text === '!' && !toks[j].quoted)) {
        chain = toks[j].text;
        chainTok = toks[j];
        j++;
      }
      // positional extras: -I n, -D n, -R n, -P POLICY, -E NEW
      const wantExtra = cmd === 'I' || cmd === 'D' || cmd === 'R' || cmd === 'P' || cmd === 'E' || cmd === 'L' || cmd === 'Z' || cmd === 'S';
      if (wantExtra && chainTok) {
        const x = j < toks.length ? toks[j] : undefined;
        const numeric = cmd === 'I' || cmd === 'D' || cmd === 'L' || cmd === 'Z' || cmd === 'S';
        if (x && !x.op && !looksLikeOption(x) && !(x.text === '!' && !x.quoted) && !(numeric && !/^(\d+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/.test(x.text))) {
          cmdArg = x;
          j++;
        }
      }
      i = j;
      continue;
    }
    const base = known !== undefined ? known.base : isLong ? BASE_LONG.get(name) : BASE_SHORT.get(name);
    if (base && !(isLong === false && inline !== undefined && base === 'flag')) {
      const neg = takeNeg(c);
      const canNeg = base === 'p' || base === 's' || base === 'd' || base === 'i' || base === 'o' || base === 'f';
      if (neg && !canNeg) errTok(c, DIAG.unexpectedToken, `"!" cannot negate ${t.text}`, t);
      switch (base) {
        case 'flag':
          i++;
          continue;
        case 'w':
        case 'W': {
          i++;
          if (inline === undefined && i < toks.length && /^\d+(\.\d+)?$/.test(toks[i].text)) i++;
          continue;
        }
        case 'f':
          ruleStarted = true;
          rule.fragment = baseMatch(ll, '', neg, t);
          i++;
          continue;
        case 't': {
          if (!takeArgs(c, i, 1, t, inline)) {
            i++;
            continue;
          }
          const v = TAKEN.args[0];
          tableTok = v;
          if (format !== 'command') errTok(c, DIAG.unexpectedToken, '-t is not valid in iptables-save / -S lines', t);
          if (isTableName(v.text)) table = v.text;
          else errTok(c, DIAG.unknownTable, `unknown table "${v.text}" (valid: filter, nat, mangle, raw, security)`, v);
          i = TAKEN.next;
          continue;
        }
        case 'c': {
          if (!takeArgs(c, i, 2, t, inline)) {
            i++;
            continue;
          }
          const p = TAKEN.args[0];
          const b = TAKEN.args[1];
          if (!/^\d+$/.test(p.text)) errTok(c, DIAG.badCounters, `"${p.text}" is not a packet count`, p);
          else if (!/^\d+$/.test(b.text)) errTok(c, DIAG.badCounters, `"${b.text}" is not a byte count`, b);
          else counters = { packets: Number(p.text), bytes: Number(b.text) };
          i = TAKEN.next;
          continue;
        }
        default:
          break;
      }
      ruleStarted = true;
      if (!takeArgs(c, i, 1, t, inline)) {
        i++;
        continue;
      }
      const v = TAKEN.args[0];
      const negated = neg || TAKEN.neg;
      i = TAKEN.next;
      switch (base) {
        case 'p': {
          let pv = v.text.toLowerCase();
          if (/^\d+$/.test(pv)) {
            if (Number(pv) > 255) {
              errTok(c, DIAG.unknownProtocol, `protocol number ${pv} is larger than 255`, v);
              break;
            }
            pv = pv === '0' ? 'all' : PROTOCOL_NUMBERS[pv] ?? pv;
          } else if (!KNOWN_PROTOCOLS.has(pv)) {
            errTok(c, DIAG.unknownProtocol, `unknown protocol "${v.text}"`, v);
            break;
          }
          if (rule.protocol) errTok(c, DIAG.multipleTargets, 'protocol given twice', t);
          rule.protocol = baseMatch(ll, pv, negated, v);
          break;
        }
        case 's':
        case 'd': {
          let bad = false;
          const e1 = v.text.includes(',') ? undefined : validateAddress(v.text);
          if (e1) {
            errTok(c, DIAG.badAddress, e1, v);
            bad = true;
          } else if (v.text.includes(',')) {
            for (const part of v.text.split(',')) {
              const e = validateAddress(part);
              if (e) {
                errTok(c, DIAG.badAddress, e, v);
                bad = true;
                break;
              }
            }
          }
          if (!bad) {
            if (base === 's') rule.source = baseMatch(ll, v.text, negated, v);
            else rule.destination = baseMatch(ll, v.text, negated, v);
          }
          break;
        }
        case 'i':
        case 'o': {
          const iv = v.text;
          if (!iv.startsWith('$') && (iv.length === 0 || iv.length > 15 || /[\s/]/.test(iv) || iv === '.' || iv === '..')) errTok(c, DIAG.badInterface, `"${iv}" is not a valid interface name (1-15 characters, no "/")`, v);
          else if (base === 'i') rule.inInterface = baseMatch(ll, iv, negated, v);
          else rule.outInterface = baseMatch(ll, iv, negated, v);
          break;
        }
        case 'm': {
          const mod = v.text.toLowerCase();
          const m: RuleMatch = { module: mod, implicit: false, options: [], span: spanOf(ll, t.start, v.end) };
          rule.matches = append(rule.matches, m);
          lastMatch = m;
          if (!isKnownMatch(mod)) {
            diags.push(mkDiag('error', DIAG.unknownModule, `unknown match module "${v.text}"`, tokSpan(ll, v), v.text));
            lastUnknownModule = m;
          } else lastUnknownModule = undefined;
          break;
        }
        case 'j':
        case 'g': {
          if (rule.target) errTok(c, DIAG.multipleTargets, `more than one target (already ${rule.target.name})`, t);
          else rule.target = { name: v.text, goto: base === 'g', options: [], span: spanOf(ll, t.start, v.end) };
          lastUnknownModule = undefined;
          break;
        }
      }
      continue;
    }
    // extension option
    ruleStarted = true;
    if (!isLong) {
      takeNeg(c);
      errTok(c, DIAG.unknownOption, `unknown option "${t.text}"`, t);
      i = skipArgs(toks, i + 1);
      continue;
    }
    let spec: OptionSpec | undefined;
    let owner: RuleMatch | RuleTarget | undefined;
    const target = rule.target;
    if (target) {
      spec = targetOption(target.name, name);
      if (spec) owner = target;
    }
    if (!spec) {
      const ruleMatches = rule.matches;
      for (let mi = ruleMatches.length - 1; mi >= 0; mi--) {
        const s = matchOption(ruleMatches[mi].module, name);
        if (s) {
          spec = s;
          owner = ruleMatches[mi];
          break;
        }
      }
    }
    if (!spec && rule.protocol && !rule.protocol.negated && IMPLICIT_PROTOCOL_MODULES.has(rule.protocol.value)) {
      const s = matchOption(rule.protocol.value, name);
      if (s) {
        spec = s;
        if (!implicitMatch) {
          implicitMatch = { module: rule.protocol.value, implicit: true, options: [], span: rule.protocol.span };
          rule.matches = append(rule.matches, implicitMatch);
        }
        owner = implicitMatch;
      }
    }
    if (!spec || !owner) {
      const neg = takeNeg(c);
      if (lastUnknownModule && lastMatch === lastUnknownModule) {
        // options of an unknown module: keep them (already reported the module)
        const j = skipArgs(toks, i + 1);
        lastUnknownModule.options = append(lastUnknownModule.options, { name, negated: neg, args: toks.slice(i + 1, j).map(tokText), span: tokSpan(ll, t) });
        i = j;
        continue;
      }
      errTok(c, DIAG.unknownOption, unknownOptionMessage(name, rule), t);
      i = skipArgs(toks, i + 1);
      continue;
    }
    const neg = takeNeg(c);
    if (spec.arity === 0) {
      if (inline !== undefined) errTok(c, DIAG.unexpectedToken, `option --${name} takes no argument`, t);
      owner.options = append<RuleOption>(owner.options, { name: spec.name, negated: neg, args: [], span: tokSpan(ll, t) });
      i++;
      continue;
    }
    if (!takeArgs(c, i, spec.arity, t, inline)) {
      i++;
      continue;
    }
    const n = TAKEN.n;
    const taken = TAKEN.args;
    let ok = true;
    for (let q = 0; q < n; q++) {
      const arg = taken[q];
      const e = validateArg(spec.kind, arg.text);
      if (e) {
        diags.push(mkDiag('error', e.code as DiagCode, e.message, tokSpan(ll, arg), arg.text));
        ok = false;
      }
    }
    const lastArg = n > 0 ? taken[n - 1] : undefined;
    if (ok) {
      let args: string[];
      if (n === 1) args = [taken[0].text];
      else if (n === 2) args = [taken[0].text, taken[1].text];
      else {
        args = [];
        for (let q = 0; q < n; q++) args.push(taken[q].text);
      }
      owner.options = append<RuleOption>(owner.options, { name: spec.name, negated: neg || TAKEN.neg, args, span: spanOf(ll, t.start, lastArg ? lastArg.end : t.end) });
    }
    i = TAKEN.next;
  }
  if (c.neg) errTok(c, DIAG.unexpectedToken, '"!" at the end of the rule negates nothing', c.neg);
  if (tailOp) {
    // the rest belongs to the shell (e.g. `|| true`): fine, reported as info
    diags.push(mkDiag('info', DIAG.notIptables, `shell text after "${tailOp.text}" is not part of the rule`, spanOf(ll, tailOp.start, toks[toks.length - 1].end), tailOp.text));
  }
  rule.table = table;
  const res = lineResult('rule', ll.line, table, format, diags);
  const whole = toks[0] ?? first ?? { text: '', start: 0, end: 0, quoted: false, op: false, opt: undefined };
  if (!cmd) {
    if (ruleStarted || format !== 'command') diags.push(mkDiag('error', format === 'command' ? DIAG.noCommand : DIAG.noChain, format === 'command' ? 'no command (-A/-I/-D/-N/...) given' : 'rule without -A/-I CHAIN', tokSpan(ll, whole), whole.text));
    else diags.push(mkDiag('info', DIAG.noCommand, 'iptables call without a rule command: ignored', tokSpan(ll, whole), whole.text));
    res.kind = ruleStarted || format !== 'command' ? 'invalid' : 'other';
    if (ruleStarted) res.rule = rule; // an invalid rule line is still a rule line (chain "")
    return res;
  }
  const cmdT = cmdTok ?? whole;
  const needsChain = cmd === 'A' || cmd === 'I' || cmd === 'D' || cmd === 'R' || cmd === 'N' || cmd === 'P' || cmd === 'E' || cmd === 'C';
  if (needsChain && (chain === undefined || chainTok === undefined)) {
    errTok(c, DIAG.noChain, `${cmdT.text} needs a chain name`, cmdT);
    res.kind = 'invalid';
    if (cmd === 'A' || cmd === 'I' || cmd === 'D' || cmd === 'R') res.rule = rule;
    return res;
  }
  if (chainTok && chain !== undefined) {
    res.chain = chain;
    res.chainSpan = tokSpan(ll, chainTok);
    if (!checkChainName(chain, res.chainSpan, diags)) res.kind = 'invalid';
  }
  const ruleCmd = cmd === 'A' || cmd === 'I' || cmd === 'D' || cmd === 'R' || cmd === 'C';
  if (!ruleCmd && ruleStarted) errTok(c, DIAG.unexpectedToken, `${cmdT.text} takes no rule specification`, cmdT);
  if (!ruleCmd && counters) errTok(c, DIAG.unexpectedToken, `${cmdT.text} takes no counters`, cmdT);
  void tableTok;
  switch (cmd) {
    case 'N':
      res.kind = res.kind === 'invalid' ? 'invalid' : 'new-chain';
      return res;
    case 'X':
      res.kind = 'delete-chain';
      return res;
    case 'F':
      res.kind = 'flush';
      return res;
    case 'E': {
      const nn = cmdArg;
      if (!nn) {
        errTok(c, DIAG.missingArgument, '-E needs the new chain name', cmdT);
        res.kind = 'invalid';
      } else {
        res.kind = 'rename';
        res.newName = nn.text;
        if (!checkChainName(nn.text, tokSpan(ll, nn), diags)) res.kind = 'invalid';
      }
      return res;
    }
    case 'P': {
      const pol = cmdArg;
      res.kind = 'policy';
      if (!pol) {
        errTok(c, DIAG.missingArgument, `-P ${chain} needs a policy (ACCEPT or DROP)`, cmdT);
        res.kind = 'invalid';
      } else if (pol.text !== 'ACCEPT' && pol.text !== 'DROP') {
        errTok(c, DIAG.badPolicy, `bad policy "${pol.text}" (ACCEPT or DROP)`, pol);
        res.kind = 'invalid';
      } else if (chain !== undefined && !BUILTIN_CHAINS[table].includes(chain)) {
        diags.push(mkDiag('error', DIAG.badPolicy, `${chain} is not a builtin chain of table ${table}: only builtin chains have a policy`, res.chainSpan ?? tokSpan(ll, cmdT), chain));
        res.kind = 'invalid';
      } else res.policy = pol.text;
      return res;
    }
    case 'L':
    case 'S':
    case 'Z':
      res.kind = 'other';
      return res;
    default:
      break;
  }
  // rule commands
  rule.chain = chain ?? '';
  rule.op = cmd === 'C' ? 'A' : (cmd as RuleOp);
  if (counters) rule.counters = counters;
  const posTok = cmdArg;
  if (posTok) {
    const pos = /^\d+$/.test(posTok.text) ? Number(posTok.text) : NaN;
    // a shell variable (`-I CHAIN "$n"`): the position is unknown, not wrong
    // (Infinity: the assembler places it last, where scripts that compute it mean it: before a final RETURN)
    if (posTok.text.startsWith('$')) rule.position = Infinity;
    else if (!(pos >= 1)) errTok(c, DIAG.badPosition, `bad rule number "${posTok.text}" (1-based)`, posTok);
    else rule.position = pos;
  } else if (cmd === 'R') {
    errTok(c, DIAG.missingArgument, '-R needs a rule number', cmdT);
  }
  if (cmd === 'D' && rule.position !== undefined && ruleStarted) errTok(c, DIAG.unexpectedToken, '-D takes a rule number or a rule specification, not both', cmdT);
  if (cmd === 'C') {
    res.kind = 'other';
    return finishRule(rule, res, diags);
  }
  res.rule = rule;
  return finishRule(rule, res, diags);
}

function skipArgs(toks: Tok[], j: number): number {
  while (j < toks.length && !toks[j].op && !looksLikeOption(toks[j]) && !(toks[j].text === '!' && !toks[j].quoted)) j++;
  return j;
}

function unknownOptionMessage(name: string, rule: Rule): string {
  for (const mod of ['tcp', 'udp', 'conntrack', 'multiport', 'addrtype', 'mark', 'comment', 'set', 'policy', 'physdev', 'ipvs', 'iprange', 'mac', 'limit', 'state', 'icmp', 'esp']) {
    if (matchOption(mod, name)) {
      if (PROTO_MATCH.has(mod)) return `unknown option "--${name}": it needs ${mod === 'tcp' || mod === 'udp' ? '-p tcp/udp (or -m tcp/udp)' : `-p ${mod}`} before it`;
      return `unknown option "--${name}": it belongs to -m ${mod}, which is not loaded before it`;
    }
  }
  if (rule.target && !isKnownTarget(rule.target.name)) return `unknown option "--${name}" (target ${rule.target.name} is a chain and takes no options)`;
  return `unknown option "--${name}"`;
}

/** Rule-level checks that need the whole line: -p vs protocol matches, target options. */
const NEEDED_TARGET_OPTION: Record<string, [string, string[]]> = {
  DNAT: ['--to-destination', ['to-destination']],
  SNAT: ['--to-source', ['to-source']],
  MARK: ['one of --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark', ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark']],
  TPROXY: ['--on-port', ['on-port']],
};

function hasOption(options: RuleOption[], names: string[]): boolean {
  for (const o of options) if (names.includes(o.name)) return true;
  return false;
}

function finishRule(rule: Rule, res: LineResult, diags: RuleDiagnostic[]): LineResult {
  const proto = rule.protocol && !rule.protocol.negated ? rule.protocol.value : undefined;
  for (const m of rule.matches) {
    if (m.implicit) continue;
    if (PROTO_MATCH.has(m.module) && proto !== m.module) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `-m ${m.module} needs -p ${m.module}${proto ? ` (rule has -p ${proto})` : ''}`, m.span, `-m ${m.module}`));
    }
    if (m.module === 'multiport' && !(proto && PORT_PROTOS.has(proto))) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `-m multiport needs -p tcp, udp, udplite, sctp or dccp${proto ? ` (rule has -p ${proto})` : ''}`, m.span, '-m multiport'));
    }
  }
  const t = rule.target;
  if (t) {
    const need = own(NEEDED_TARGET_OPTION, t.name);
    if (need && !(t.name === 'DNAT' && rule.table !== 'nat') && !hasOption(t.options, need[1])) {
      diags.push(mkDiag('error', DIAG.missingTargetOption, `${t.name} needs ${need[0]}`, t.span, t.name));
    }
    const natOnly = t.name === 'DNAT' || t.name === 'SNAT' || t.name === 'MASQUERADE' || t.name === 'REDIRECT';
    if (natOnly && rule.table !== 'nat') diags.push(mkDiag('error', DIAG.unknownTarget, `target ${t.name} is only valid in the nat table (rule is in ${rule.table})`, t.span, t.name));
    if ((t.name === 'MASQUERADE' || t.name === 'SNAT') && rule.table === 'nat' && (rule.chain === 'PREROUTING' || rule.chain === 'OUTPUT')) {
      diags.push(mkDiag('error', DIAG.unknownTarget, `${t.name} is only valid in POSTROUTING/INPUT (and chains called from them)`, t.span, t.name));
    }
    if ((t.name === 'DNAT' || t.name === 'REDIRECT') && rule.table === 'nat' && (rule.chain === 'POSTROUTING' || rule.chain === 'INPUT')) {
      diags.push(mkDiag('error', DIAG.unknownTarget, `${t.name} is only valid in PREROUTING/OUTPUT (and chains called from them)`, t.span, t.name));
    }
    if ((t.name === 'REDIRECT' || t.name === 'MASQUERADE') && hasOption(t.options, ['to-ports']) && !(proto && PORT_PROTOS.has(proto))) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `${t.name} --to-ports needs -p tcp/udp/sctp/dccp`, t.span, t.name));
    }
    if (t.name === 'DNAT' || t.name === 'SNAT') {
      const to = t.options.find((o) => o.name === 'to-destination' || o.name === 'to-source');
      if (to && to.args[0]?.includes(':') && !(proto && PORT_PROTOS.has(proto))) {
        diags.push(mkDiag('error', DIAG.protocolMismatch, `${t.name} to a port needs -p tcp/udp/sctp/dccp`, to.span, to.args[0]));
      }
    }
  }
  return res;
}

// ------------------------------------------------------------------------------------------------ ruleset assembly

const keyCache = new WeakMap<Rule, string>();

/** A canonical key of a rule's match + target part (same kernel rule ⇔ same key). Cached per Rule object. */
export function ruleKey(r: Rule): string {
  let k = keyCache.get(r);
  if (k === undefined) {
    k = computeRuleKey(r);
    keyCache.set(r, k);
  }
  return k;
}

/** Options whose argument is an address: `10.0.0.1` and `10.0.0.1/32` are the same rule. */
const ADDR_OPTIONS = new Set(['ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'vaddr', 'tunnel-src', 'tunnel-dst', 'on-ip']);

function parseMarkNum(v: string): number | undefined {
  const n = v.startsWith('0x') || v.startsWith('0X') ? parseInt(v.slice(2), 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 0xffffffff ? n : undefined;
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * MARK / CONNMARK options as the kernel stores them (what -S prints): --set-mark V/M → --set-xmark V/(M|V),
 * --or-mark V → V/V, --and-mark V → 0x0/~V, --xor-mark V → V/0x0; CONNMARK --save-mark/--restore-mark get their
 * default masks. Other targets unchanged.
 */
export function canonicalTargetOptions(target: string, options: RuleOption[]): RuleOption[] {
  if (target !== 'MARK' && target !== 'CONNMARK') return options;
  const out: RuleOption[] = [];
  let saveRestore = false;
  const have = new Set<string>();
  for (const o of options) {
    have.add(o.name);
    const a = o.args[0] ?? '';
    const slash = a.indexOf('/');
    const v = parseMarkNum(slash < 0 ? a : a.slice(0, slash));
    const m = slash < 0 ? 0xffffffff : parseMarkNum(a.slice(slash + 1));
    let x: string | undefined;
    if (v !== undefined && m !== undefined) {
      if (o.name === 'set-xmark') x = `${hex32(v)}/${hex32(m)}`;
      else if (o.name === 'set-mark') x = `${hex32(v)}/${hex32((m | v) >>> 0)}`;
      else if (o.name === 'or-mark') x = `${hex32(v)}/${hex32(v)}`;
      else if (o.name === 'and-mark') x = `0x0/${hex32(~v)}`;
      else if (o.name === 'xor-mark') x = `${hex32(v)}/0x0`;
    }
    if (x !== undefined) out.push({ ...o, name: 'set-xmark', args: [x] });
    else out.push(o);
    if (o.name === 'save-mark' || o.name === 'restore-mark') saveRestore = true;
  }
  if (target === 'CONNMARK' && saveRestore) {
    if (!have.has('nfmask') && !have.has('mask')) out.push({ name: 'nfmask', negated: false, args: ['0xffffffff'], span: options[0].span });
    if (!have.has('ctmask') && !have.has('mask')) out.push({ name: 'ctmask', negated: false, args: ['0xffffffff'], span: options[0].span });
  }
  return out;
}

/** IPv4 as normalizeAddress (bare → /32, netmask → prefix); bare IPv6 → /128; lower case. */
export function canonicalAddress(v: string): string {
  if (v.includes(':')) return v.includes('/') ? v.toLowerCase() : `${v.toLowerCase()}/128`;
  return normalizeAddress(v);
}

function computeRuleKey(r: Rule): string {
  const b = (p: string, m: BaseMatch | undefined, addr = false): string => (m ? `${m.negated ? '!' : ''}${p} ${addr ? canonicalAddress(m.value) : m.value};` : '');
  let s = b('p', r.protocol && r.protocol.value !== 'all' ? r.protocol : undefined) + b('s', r.source, true) + b('d', r.destination, true) + b('i', r.inInterface) + b('o', r.outInterface) + (r.fragment ? `${r.fragment.negated ? '!' : ''}f;` : '');
  const opt = (o: RuleOption): string => `${o.negated ? '!' : ''}--${o.name}${o.args.map((a) => ` ${JSON.stringify(ADDR_OPTIONS.has(o.name) ? canonicalAddress(a) : a)}`).join('')}`;
  const opts = (os: RuleOption[]): string => os.map(opt).sort().join(' ');
  for (const m of r.matches) s += `-m ${m.module} ${opts(m.options)};`;
  if (r.target) s += `${r.target.goto ? '-g' : '-j'} ${r.target.name} ${opts(canonicalTargetOptions(r.target.name, r.target.options))}`;
  return s;
}

interface TableState {
  table: Table;
  /** The table came from a complete dump: iptables-save section, or -S with -P for every builtin chain. */
  complete: boolean;
  policies: Set<string>;
  /** Chains referenced by a -j/-g anywhere. */
}

/** Builds the Ruleset from line results, in order (see header). Linear. */
export function assembleRuleset(results: LineResult[]): Ruleset {
  const rs: Ruleset = { tables: new Map(), rules: [], diagnostics: [] };
  const ts = new Map<TableName, TableState>();
  const getTable = (name: TableName): TableState => {
    let t = ts.get(name);
    if (!t) {
      t = { table: { name, chains: new Map() }, complete: false, policies: new Set() };
      ts.set(name, t);
      rs.tables.set(name, t.table);
    }
    return t;
  };
  const diag = (severity: RuleDiagnostic['severity'], code: DiagCode, msg: string, span: Span, ex?: string): void => {
    rs.diagnostics.push(mkDiag(severity, code, msg, span, ex));
  };
  const getChain = (t: TableState, name: string, line: number, create: boolean): Chain | undefined => {
    let c = t.table.chains.get(name);
    if (!c && create) {
      const builtin = BUILTIN_CHAINS[t.table.name].includes(name);
      c = { name, builtin, rules: [] };
      t.table.chains.set(name, c);
      void line;
    }
    return c;
  };
  const targetRefs: Rule[] = [];

  for (const r of results) {
    let hasError = false;
    const ds = r.diagnostics;
    for (let q = 0; q < ds.length; q++) {
      const d = ds[q];
      rs.diagnostics.push(d);
      if (d.severity === 'error') hasError = true;
    }
    const rr = r.rule;
    if (rr) {
      // line results may be cached and re-assembled: never keep state from an earlier assembly (indexes are set
      // at the end, after every rule was visited)
      if (rr.index !== undefined) rr.index = undefined;
      rs.rules.push(rr);
    }
    if (r.kind === 'table') {
      const t = getTable(r.table);
      t.complete = true;
      continue;
    }
    if (hasError) continue;
    switch (r.kind) {
      case 'chain': {
        if (r.chain === undefined) break;
        const t = getTable(r.table);
        let c = t.table.chains.get(r.chain);
        if (c && c.declLine !== undefined && r.chainSpan) diag('error', DIAG.chainExists, `chain ${r.chain} declared twice (first on line ${c.declLine + 1})`, r.chainSpan, r.chain);
        c ??= getChain(t, r.chain, r.line, true);
        if (!c) break;
        c.declLine ??= r.line;
        if (r.policy) {
          c.policy = r.policy;
          t.policies.add(r.chain);
        }
        if (r.policyCounters) c.policyCounters = r.policyCounters;
        break;
      }
      case 'policy': {
        if (r.chain === undefined) break;
        const t = getTable(r.table);
        const c = getChain(t, r.chain, r.line, true);
        if (!c) break;
        c.policy = r.policy;
        c.declLine ??= r.line;
        t.policies.add(r.chain);
        if (r.format === 'S' && BUILTIN_CHAINS[r.table].every((b) => t.policies.has(b))) t.complete = true;
        break;
      }
      case 'new-chain': {
        if (r.chain === undefined) break;
        const t = getTable(r.table);
        const c = t.table.chains.get(r.chain);
        if (c && (c.declLine !== undefined || c.builtin) && r.chainSpan) {
          diag(r.format === 'command' ? 'warning' : 'error', DIAG.chainExists, `chain ${r.chain} already exists${c.declLine !== undefined ? ` (line ${c.declLine + 1})` : ''}`, r.chainSpan, r.chain);
          break;
        }
        const nc = getChain(t, r.chain, r.line, true);
        if (nc) nc.declLine ??= r.line;
        break;
      }
      case 'delete-chain': {
        const t = getTable(r.table);
        const names = r.chain !== undefined ? [r.chain] : [...t.table.chains.values()].filter((c) => !c.builtin).map((c) => c.name);
        for (const name of names) {
          const c = t.table.chains.get(name);
          const span = r.chainSpan ?? { line: r.line, start: 0, end: 0 };
          if (!c) {
            if (r.chain !== undefined) diag('info', DIAG.unknownChain, `chain ${name} is not defined in this text`, span, name);
            continue;
          }
          if (c.builtin) {
            diag('error', DIAG.badChainName, `builtin chain ${name} cannot be deleted`, span, name);
            continue;
          }
          if (c.rules.length) {
            diag('warning', DIAG.chainNotEmpty, `chain ${name} still has ${c.rules.length} rule(s): iptables refuses to delete it`, span, name);
            continue;
          }
          t.table.chains.delete(name);
        }
        break;
      }
      case 'flush': {
        const t = getTable(r.table);
        if (r.chain !== undefined) {
          const c = t.table.chains.get(r.chain);
          if (c) c.rules = [];
          else if (r.chainSpan) diag('info', DIAG.unknownChain, `chain ${r.chain} is not defined in this text`, r.chainSpan, r.chain);
        } else for (const c of t.table.chains.values()) c.rules = [];
        break;
      }
      case 'rename': {
        if (r.chain === undefined || r.newName === undefined) break;
        const t = getTable(r.table);
        const c = t.table.chains.get(r.chain);
        if (!c) {
          if (r.chainSpan) diag('info', DIAG.unknownChain, `chain ${r.chain} is not defined in this text`, r.chainSpan, r.chain);
          break;
        }
        const renamed = new Map<string, Chain>();
        for (const [k, v] of t.table.chains) {
          if (k === r.chain) {
            const newName = r.newName;
            // copies: the rule objects of (cached) line results keep the chain they were written for
            renamed.set(newName, { ...v, name: newName, rules: v.rules.map((x) => ({ ...x, chain: newName })) });
          } else renamed.set(k, v);
        }
        t.table.chains = renamed;
        break;
      }
      case 'rule': {
        const rule = r.rule;
        if (!rule) break;
        const t = getTable(rule.table);
        const declared = t.table.chains.get(rule.chain);
        // iptables-restore knows its built-in chains without a `:CHAIN` line; a user chain must be declared
        if (!declared && r.format === 'save' && !BUILTIN_CHAINS[rule.table].includes(rule.chain)) diag('error', DIAG.unknownChain, `chain ${rule.chain} is not declared in this *${rule.table} section`, rule.span, rule.chain);
        const c = declared ?? getChain(t, rule.chain, r.line, true);
        if (!c) break;
        if (rule.target) targetRefs.push(rule);
        applyRule(c, rule, r, rs);
        break;
      }
      default:
        break;
    }
  }
  // targets: known extension, declared chain, or (if the table's dump is not complete) an uppercase chain name.
  // Rules whose target is an error are taken out of their chain again (iptables would refuse them).
  const rejected = new Set<Rule>();
  for (const rule of targetRefs) {
    const t = rule.target;
    if (!t) continue;
    const st = ts.get(rule.table);
    if (!st) continue;
    if (isKnownTarget(t.name) && !t.goto) continue;
    if (st.table.chains.has(t.name)) {
      if (BUILTIN_CHAINS[rule.table].includes(t.name)) {
        diag('error', DIAG.unknownTarget, `cannot jump to builtin chain ${t.name}`, t.span, t.name);
        rejected.add(rule);
      }
      continue;
    }
    if (isKnownTarget(t.name) && t.goto) {
      diag('error', DIAG.unknownTarget, `-g needs a chain, ${t.name} is a target`, t.span, t.name);
      rejected.add(rule);
      continue;
    }
    const upper = t.name.toUpperCase();
    if (isKnownTarget(upper)) {
      diag('error', DIAG.unknownTarget, `unknown target "${t.name}" (did you mean ${upper}?)`, t.span, t.name);
      rejected.add(rule);
      continue;
    }
    const chainLike = /^[A-Z0-9][A-Z0-9_.:-]*$/.test(t.name);
    if (st.complete) {
      diag('error', DIAG.unknownTarget, `unknown target "${t.name}": not a target extension and no such chain in table ${rule.table}`, t.span, t.name);
      rejected.add(rule);
    } else if (!chainLike) diag('warning', DIAG.unknownTarget, `"${t.name}" is not a known target and no chain of that name is declared here: assumed to be a user chain`, t.span, t.name);
  }
  if (rejected.size) for (const st of ts.values()) for (const c of st.table.chains.values()) c.rules = c.rules.filter((x) => !rejected.has(x));
  for (const st of ts.values()) for (const c of st.table.chains.values()) c.rules.forEach((x, idx) => (x.index = idx));
  return rs;
}

function ruleDiag(rs: Ruleset, rule: Rule, severity: RuleDiagnostic['severity'], code: DiagCode, msg: string): void {
  rs.diagnostics.push(mkDiag(severity, code, msg, rule.span, rule.text));
}

function applyRule(c: Chain, rule: Rule, r: LineResult, rs: Ruleset): void {
  switch (rule.op) {
    case 'A':
      c.rules.push(rule);
      return;
    case 'I': {
      const pos = rule.position ?? 1;
      if (pos === Infinity) {
        c.rules.push(rule);
        return;
      }
      if (pos > c.rules.length + 1) {
        ruleDiag(rs, rule, c.declLine !== undefined ? 'warning' : 'info', DIAG.badPosition, `insert position ${pos} is beyond the end of ${c.name} (${c.rules.length} rule(s) here): appended`);
        c.rules.push(rule);
      } else c.rules.splice(pos - 1, 0, rule);
      return;
    }
    case 'R': {
      const pos = rule.position ?? 0;
      if (pos < 1 || pos > c.rules.length) {
        ruleDiag(rs, rule, c.declLine !== undefined ? 'warning' : 'info', DIAG.badPosition, `no rule ${pos} in ${c.name} to replace (${c.rules.length} rule(s) here)`);
        return;
      }
      c.rules[pos - 1] = rule;
      return;
    }
    case 'D': {
      if (rule.position !== undefined) {
        if (rule.position > c.rules.length) ruleDiag(rs, rule, c.declLine !== undefined ? 'warning' : 'info', DIAG.ruleNotFound, `no rule ${rule.position} in ${c.name} to delete`);
        else c.rules.splice(rule.position - 1, 1);
        return;
      }
      const key = ruleKey(rule);
      const at = c.rules.findIndex((x) => ruleKey(x) === key);
      if (at < 0) ruleDiag(rs, rule, c.declLine !== undefined || c.rules.length ? 'warning' : 'info', DIAG.ruleNotFound, `no such rule in ${c.name} to delete`);
      else c.rules.splice(at, 1);
      return;
    }
  }
  void r;
}

// ------------------------------------------------------------------------------------------------ public API

/** iptables-save / -S / command lines (mixed allowed). Never throws. */
export function parseRules(text: string, opts?: { defaultTable?: TableName }): Ruleset {
  const state = newLineState(opts?.defaultTable ?? 'filter');
  const results: LineResult[] = [];
  for (const ll of logicalLines(text)) results.push(parseLogicalLine(ll, state));
  const rs = assembleRuleset(results);
  if (state.table !== undefined) {
    const last = results.length ? results[results.length - 1].line : 0;
    rs.diagnostics.push(mkDiag('warning', DIAG.unexpectedToken, `*${state.table} section without COMMIT (truncated dump?)`, { line: last, start: 0, end: 0 }));
  }
  return rs;
}

export { parseIptablesList };

/** Detects `iptables -nvL` listings (a `Chain X (` header line) vs rule text. */
export function isListing(text: string): boolean {
  let pos = 0;
  for (let k = 0; k < 50 && pos < text.length; k++) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const l = text.slice(pos, nl).trim();
    if (l !== '' && !l.startsWith('#') && !l.startsWith('Warning:')) return l.startsWith('Chain ') && l.includes('(');
    pos = nl + 1;
  }
  return false;
}

/** Parses a dump of unknown format: a listing (`Chain X (...)`) or rule text (save / -S / command lines). */
export function parseDumpText(text: string, opts?: { table?: TableName }): Ruleset {
  return isListing(text) ? parseIptablesList(text, opts?.table ?? 'filter') : parseRules(text, { defaultTable: opts?.table ?? 'filter' });
}
