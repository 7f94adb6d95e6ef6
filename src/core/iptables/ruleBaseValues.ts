/**
 * The values of iptables' base options, as one call's arguments give them (./ruleArgs.ts reads the options): `-t` and
 * `-c` of the call; the rule's `-p`, `-s`/`-d`, `-i`/`-o`, `-m` and `-j`/`-g`, each checked as iptables checks it.
 */
import type { BaseMatch, RuleMatch } from './model';
import { PROTOCOL_NUMBERS, isKnownMatch, validateAddress } from './spec';
import { DIAG, mkDiag } from './codes';
import { spanOf, type LogicalLine } from './lines';
import type { Tok } from './tokenize';
import type { BaseOpt } from './optionTable';
import { isTableName } from './lineResult';
import { tokSpan } from './lineDiagnostics';
import { interfaceNameProblem } from './interfaceName';
import { SHELL_EXPANSION, TAKEN, append, errTok, takeArgs, type ArgCtx } from './ruleArgs';

export function baseMatch(ll: LogicalLine, v: string, neg: boolean, t: Tok): BaseMatch {
  return { value: v, negated: neg, span: tokSpan(ll, t) };
}

export function readTable(c: ArgCtx, t: Tok, i: number): number {
  if (!takeArgs(c, i, 1, t, c.inline)) return i + 1;
  const v = TAKEN.args[0];
  if (c.format !== 'command') errTok(c, DIAG.unexpectedToken, '-t is not valid in iptables-save / -S lines', t);
  if (isTableName(v.text)) c.table = v.text;
  else if (c.format === 'command' && v.text.includes('$')) c.tableVar = v;
  else errTok(c, DIAG.unknownTable, `unknown table "${v.text}" (valid: filter, nat, mangle, raw, security)`, v);
  return TAKEN.next;
}

/** `-c packets bytes` (iptables-save -c lines, `iptables -A … -c 0 0`). */
export function readCounters(c: ArgCtx, t: Tok, i: number): number {
  if (!takeArgs(c, i, 2, t, c.inline)) return i + 1;
  const p = TAKEN.args[0];
  const b = TAKEN.args[1];
  if (!/^\d+$/.test(p.text)) errTok(c, DIAG.badCounters, `"${p.text}" is not a packet count`, p);
  else if (!/^\d+$/.test(b.text)) errTok(c, DIAG.badCounters, `"${b.text}" is not a byte count`, b);
  else c.counters = { packets: Number(p.text), bytes: Number(b.text) };
  return TAKEN.next;
}

const KNOWN_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'all', 'gre', 'ipip', 'ipencap', 'igmp', 'ospf', 'vrrp', 'pim', 'dccp', 'l2tp', 'ipv6', 'ipv6-route', 'ipv6-frag', 'ipv6-nonxt', 'ipv6-opts', 'egp', 'rsvp', 'ip', 'hopopt', 'ipcomp']);

const PROTOCOL_NUMBER = /^\d+$/;

/** `-p NAME|NUMBER`: lower case; numbers become names (6 → tcp, 0 → all). */
export function readProtocol(c: ArgCtx, t: Tok, v: Tok, negated: boolean): void {
  let pv = v.text.toLowerCase();
  // `-p "$proto"` in a script (`for proto in tcp udp`): a value the shell fills in, kept as written
  if (c.format === 'command' && SHELL_EXPANSION.test(v.text)) pv = v.text;
  else if (PROTOCOL_NUMBER.test(pv)) {
    if (Number(pv) > 255) return errTok(c, DIAG.unknownProtocol, `protocol number ${pv} is larger than 255`, v);
    pv = pv === '0' ? 'all' : PROTOCOL_NUMBERS[pv] ?? pv;
  } else if (!KNOWN_PROTOCOLS.has(pv)) return errTok(c, DIAG.unknownProtocol, `unknown protocol "${v.text}"`, v);
  if (c.rule.protocol) errTok(c, DIAG.multipleTargets, 'protocol given twice', t);
  c.rule.protocol = baseMatch(c.ll, pv, negated, v);
}

/** `-s A[,B…]` / `-d A[,B…]`: each address checked; the first bad one reported. */
export function readAddress(c: ArgCtx, base: 's' | 'd', v: Tok, negated: boolean): void {
  // a value the shell computes (`$(curl … | paste -d, -s)`, `"$NETS"`) is unknown, whatever commas it shows here
  const computed = v.text.includes('$');
  // kernel-checked: "! not allowed with multiple source or destination IP addresses"
  if (negated && !computed && v.text.includes(',')) errTok(c, DIAG.badAddress, '"!" with several addresses: iptables refuses it ("! not allowed with multiple source or destination IP addresses")', v);
  else {
    // one address (no list to split: the common case, on the hot path) or a comma list
    const e = computed ? undefined : v.text.includes(',') ? v.text.split(',').map(validateAddress).find((x) => x !== undefined) : validateAddress(v.text);
    if (e) errTok(c, DIAG.badAddress, e, v);
  }
  // a bad value (often a placeholder: `{{.DBHost}}`, `<ip1>,<ip2>`) stays a condition whose match is unknown, as a
  // host name's is: the rule is not read as matching every address
  if (base === 's') c.rule.source = baseMatch(c.ll, v.text, negated, v);
  else c.rule.destination = baseMatch(c.ll, v.text, negated, v);
}

/** iptables refuses a base option given twice (`multiple -s flags not allowed`): the first one stays, the rule is an error. */
export function givenTwice(c: ArgCtx, t: Tok, had: BaseMatch | undefined): boolean {
  if (had) errTok(c, DIAG.multipleTargets, `${t.text} given twice (iptables allows it once)`, t);
  return had !== undefined;
}

export function readInterface(c: ArgCtx, base: 'i' | 'o', v: Tok, negated: boolean): void {
  // (a name iptables takes but no interface has, `-o 172.19.0.0/24`, is the lint's rules/interface-wildcard)
  const problem = interfaceNameProblem(v.text, base);
  if (problem?.severity === 'error') {
    c.diags.push(mkDiag('error', DIAG.badInterface, problem.message, tokSpan(c.ll, v), v.text));
    return;
  }
  if (base === 'i') c.rule.inInterface = baseMatch(c.ll, v.text, negated, v);
  else c.rule.outInterface = baseMatch(c.ll, v.text, negated, v);
}

export function readMatchModule(c: ArgCtx, t: Tok, v: Tok): void {
  const mod = v.text.toLowerCase();
  const m: RuleMatch = { module: mod, implicit: false, options: [], span: spanOf(c.ll, t.start, v.end) };
  c.rule.matches = append(c.rule.matches, m);
  c.lastMatch = m;
  // `-m "${proto}"` in a script (`for proto in tcp udp`): a module the shell names; its options are kept as written
  const variable = c.format === 'command' && SHELL_EXPANSION.test(v.text);
  const known = isKnownMatch(mod);
  c.lastUnknownModule = known ? undefined : m;
  if (variable) return;
  // in `iptables -S` output the module was loaded on that host (an extension swarmnet does not know): said, not an error
  if (!known && c.format === 'S') c.diags.push(mkDiag('info', DIAG.unknownModule, `match module "${v.text}" is not known to swarmnet: the rule is read as given, its conditions of that module are not judged`, tokSpan(c.ll, v), v.text));
  else if (!known) c.diags.push(mkDiag('error', DIAG.unknownModule, `unknown match module "${v.text}"`, tokSpan(c.ll, v), v.text));
}

/** `-j TARGET` / `-g CHAIN`. */
export function readJump(c: ArgCtx, base: BaseOpt, t: Tok, v: Tok): void {
  const rule = c.rule;
  if (rule.target) errTok(c, DIAG.multipleTargets, `more than one target (already ${rule.target.name})`, t);
  else rule.target = { name: v.text, goto: base === 'g', options: [], span: spanOf(c.ll, t.start, v.end) };
  c.lastUnknownModule = undefined;
}
