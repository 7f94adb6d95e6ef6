/**
 * THE iptables parser of the codebase (shared by the DOCKER-USER linter and the packet tracer). This file is its
 * front door (the entry points below, re-exported from the modules that implement them):
 *   lines.ts (logical lines, spans) · tokenize.ts + optionTable.ts (shell words, known option tokens) ·
 *   parseLine.ts (iptables-save sections, `:CHAIN` declarations, -S lines) · shellLine.ts (shell around commands) ·
 *   ruleArgs.ts (command and base options) · ruleOptions.ts (match/target options) · ruleCommand.ts +
 *   ruleChecks.ts (what the command makes of the line, whole-rule checks) · lineDiagnostics.ts · lineResult.ts ·
 *   assemble.ts (line results → Ruleset) · ruleKey.ts · parseList.ts + listExtra.ts + listTargets.ts (-nvL).
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
import type { TableName, Ruleset } from './model';
import { DIAG, mkDiag } from './codes';
import { parseIptablesList } from './parseList';
import { LIST_COMMAND } from './listWords';
import { logicalLines } from './lines';
import { newLineState, withMore, type LineResult } from './lineResult';
import { parseLogicalLine } from './parseLine';
import { assembleRuleset } from './assemble';

export { newRule } from './newRule';
export { DIAG } from './codes';
export type { DiagCode } from './codes';
export { continuedOnNextLine, logicalLines, type LogicalLine } from './lines';
export { isTableName, lineResult, lineStateKey, newLineState, relocateLineResult, withMore, type LineKind, type LineResult, type LineState } from './lineResult';
export { advanceLineState, parseLogicalLine, parseRuleLine } from './parseLine';
export { assembleRuleset } from './assemble';
export { canonicalAddress, canonicalTargetOptions, ruleKey } from './ruleKey';
export { asWritten } from './tokenize';
export { parseIptablesList };

/** iptables-save / -S / command lines (mixed allowed). Never throws. */
export function parseRules(text: string, opts?: { defaultTable?: TableName }): Ruleset {
  const state = newLineState(opts?.defaultTable ?? 'filter');
  const results: LineResult[] = [];
  for (const ll of logicalLines(text)) results.push(...withMore(parseLogicalLine(ll, state)));
  const rs = assembleRuleset(results);
  if (state.table !== undefined) {
    const last = results.length ? results[results.length - 1].line : 0;
    rs.diagnostics.push(mkDiag('warning', DIAG.unexpectedToken, `*${state.table} section without COMMIT (truncated dump?)`, { line: last, start: 0, end: 0 }));
  }
  return rs;
}

/** Detects `iptables -nvL` listings (a `Chain X (` header line, after the command that printed it) vs rule text. */
export function isListing(text: string): boolean {
  let pos = 0;
  for (let k = 0; k < 50 && pos < text.length; k++) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const l = text.slice(pos, nl).trim();
    if (l !== '' && !l.startsWith('#') && !l.startsWith('Warning:') && !LIST_COMMAND.test(l)) return l.startsWith('Chain ') && l.includes('(');
    pos = nl + 1;
  }
  return false;
}

/** Parses a dump of unknown format: a listing (`Chain X (...)`) or rule text (save / -S / command lines). */
export function parseDumpText(text: string, opts?: { table?: TableName }): Ruleset {
  return isListing(text) ? parseIptablesList(text, opts?.table ?? 'filter') : parseRules(text, { defaultTable: opts?.table ?? 'filter' });
}
