/**
 * Extension options of a rule line (`--dport 80`, `! --ctstate NEW`, `--to-destination=A:P`): the match or target
 * that takes each one (the target, the latest `-m` that knows it, or the `-p` protocol's implicit match), its
 * arguments checked against ./spec.ts. Options of an unknown `-m` module are kept as written (the module is
 * reported once); any other unknown option is an error that says which `-m` / `-p` it needs.
 */
import type { RuleMatch, RuleOption, RuleTarget } from './model';
import { IMPLICIT_PROTOCOL_MODULES, MATCH_SPECS, TARGET_SPECS, matchOption, targetOption, validateArg, type OptionSpec } from './spec';
import { BASE_LONG, CMD_LONG } from './optionTable';
import { DIAG, mkDiag, type DiagCode } from './codes';
import { spanOf } from './lines';
import { skipArgs, type Tok } from './tokenize';
import { tokSpan } from './lineDiagnostics';
import { TAKEN, append, errTok, readNamedOption, takeArgs, takeNeg, type ArgCtx } from './ruleArgs';
import { unknownOptionMessage } from './ruleChecks';

/** The options iptables takes more than once in one match (XTOPT_MULTI): the policy match's elements, separated by --next (once per element). */
const POLICY_MULTI = new Set(['reqid', 'spi', 'proto', 'mode', 'tunnel-src', 'tunnel-dst', 'next']);

/** Reads the extension option at toks[i]; the index after it and its arguments. */
export function readExtensionOption(c: ArgCtx, t: Tok, i: number): number {
  const toks = c.toks;
  if (!c.isLong) {
    takeNeg(c);
    errTok(c, DIAG.unknownOption, `unknown option "${t.text}"`, t);
    return skipArgs(toks, i + 1);
  }
  const abbreviated = loadedPrefix(c);
  if (abbreviated) c.name = abbreviated;
  const spec = optionSpec(c);
  const owner = c.owner;
  const unknownModule = c.lastUnknownModule && c.lastMatch === c.lastUnknownModule ? c.lastUnknownModule : undefined;
  // Stryker disable next-line LogicalOperator: optionSpec gives an owner exactly when it gives a spec (the owner test is for the type)
  if ((!spec || !owner) && !unknownModule) {
    // getopt_long: an abbreviation of an option known here (`--to` of SNAT's `--to-source`; `--proto` of the base
    // `--protocol` when no policy match is loaded: kernel-checked), also when the word is some other module's whole
    // option. (One that abbreviates a command, `--pol` of `--policy`, is refused either way: the message names the
    // module the user meant.)
    // The prefix must be unique among all the names getopt knows here, the commands' and base options' too: `--po`
    // with -m multiport is `--policy` or `--ports`, and iptables 1.8.9 refuses it ("unknown option", kernel-checked).
    const full = longOptionByPrefix(c);
    if (full && full !== c.name && !CMD_LONG.has(full)) {
      c.name = full;
      return BASE_LONG.has(full) ? readNamedOption(c, t, i, undefined) : readExtensionOption(c, t, i);
    }
  }
  const neg = takeNeg(c);
  if (!spec || !owner) {
    if (unknownModule) {
      // options of an unknown module: keep them (already reported the module)
      const j = skipArgs(toks, i + 1);
      unknownModule.options = append(unknownModule.options, { name: c.name, negated: neg, args: toks.slice(i + 1, j).map((a) => a.text), span: tokSpan(c.ll, t) });
      return j;
    }
    errTok(c, DIAG.unknownOption, unknownOptionMessage(c.name, c.rule), t);
    return skipArgs(toks, i + 1);
  }
  const repeatable = 'module' in owner && owner.module === 'policy' && POLICY_MULTI.has(spec.name) && inNewElement(owner.options, spec.name);
  if (!repeatable && hasOption(owner.options, spec.name)) {
    errTok(c, DIAG.multipleTargets, `option --${spec.name} can only be used once in ${'module' in owner ? `-m ${owner.module}` : owner.name}`, t);
    return skipArgs(c.toks, i + 1);
  }
  if (spec.arity === 0) {
    if (c.inline !== undefined) errTok(c, DIAG.unexpectedToken, `option --${c.name} takes no argument`, t);
    owner.options = append<RuleOption>(owner.options, { name: spec.name, negated: neg, args: [], span: tokSpan(c.ll, t) });
    return i + 1;
  }
  if (!takeArgs(c, i, spec.arity, t, c.inline)) return i + 1;
  addOption(c, t, spec, owner, neg || TAKEN.neg);
  return TAKEN.next;
}

/** The long option names iptables knows at this point of the line: commands, base options, and those of the target and the matches loaded so far. */
function knownLongNames(c: ArgCtx): string[] {
  const rule = c.rule;
  const specs = [...(rule.target ? TARGET_SPECS[rule.target.name] ?? [] : []), ...rule.matches.flatMap((m) => MATCH_SPECS[m.module] ?? [])];
  const proto = rule.protocol?.value;
  if (proto && IMPLICIT_PROTOCOL_MODULES.has(proto)) specs.push(...(MATCH_SPECS[proto] ?? []));
  return [...CMD_LONG.keys(), ...BASE_LONG.keys(), ...specs.flatMap((o) => [o.name, ...(o.aliases ?? [])])];
}

/**
 * iptables reads long options with getopt_long, which takes an unambiguous prefix of a known one (`--line-number`
 * for `--line-numbers`, `--to-port` for REDIRECT's `--to-ports`; kernel-checked): the full name when c.name is one.
 */
export function longOptionByPrefix(c: ArgCtx): string | undefined {
  if (!c.isLong || c.name.length < 2) return undefined;
  const matches = new Set(knownLongNames(c).filter((n) => n.startsWith(c.name)));
  return matches.size === 1 ? [...matches][0] : undefined;
}

/**
 * getopt_long sees the options of the target and the matches loaded so far (`-m multiport`) before iptables falls back
 * to the `-p` protocol's implicit match: `-p tcp -m multiport --dport 80,443` is multiport's `--dports` (kernel: stored
 * as `--dports 80,443`). The full name when c.name is an unambiguous prefix of one of theirs and none of theirs exactly.
 */
function loadedPrefix(c: ArgCtx): string | undefined {
  const rule = c.rule;
  const last = rule.matches[rule.matches.length - 1];
  // (the common case, an option of the latest match by its own name, is one indexed lookup: no lists built)
  if (c.name.length < 2 || !last || last.implicit || matchOption(last.module, c.name)) return undefined;
  // the latest match's options (where getopt's prefix lands in practice); the target's and the other matches' only
  // when one of them is a candidate, to tell exact names from prefixes (so a line of many matches stays linear)
  const own = namesStartingWith(MATCH_SPECS[last.module] ?? [], c.name);
  if (own.length !== 1 || own[0] === c.name) return undefined;
  // getopt's table holds the commands' and base options' long names too: `--so` is `--source` or multiport's
  // `--source-ports`, ambiguous (iptables 1.8.9: "unknown option", kernel-checked)
  if (someStartsWith(CMD_LONG.keys(), c.name) || someStartsWith(BASE_LONG.keys(), c.name)) return undefined;
  const others = [...(rule.target ? TARGET_SPECS[rule.target.name] ?? [] : []), ...rule.matches.slice(-9, -1).filter((m) => !m.implicit).flatMap((m) => MATCH_SPECS[m.module] ?? [])];
  return namesStartingWith(others, c.name).length === 0 ? own[0] : undefined;
}

function someStartsWith(names: Iterable<string>, prefix: string): boolean {
  for (const n of names) if (n.startsWith(prefix)) return true;
  return false;
}

/** The names and aliases of `specs` that start with `prefix`, in order (a target's every option comes here). */
function namesStartingWith(specs: readonly OptionSpec[], prefix: string): string[] {
  const out: string[] = [];
  for (const o of specs) {
    if (o.name.startsWith(prefix)) out.push(o.name);
    for (const a of o.aliases ?? []) if (a.startsWith(prefix)) out.push(a);
  }
  return out;
}

/** A policy element's option may come again only in a later element: after a `--next` since its last use (iptables: "double --proto option"). */
function inNewElement(options: RuleOption[], name: string): boolean {
  for (let k = options.length - 1; k >= 0; k--) {
    if (options[k].name === 'next') return true;
    if (options[k].name === name) return false;
  }
  return true;
}

function hasOption(options: RuleOption[], name: string): boolean {
  for (const o of options) if (o.name === name) return true;
  return false;
}

/**
 * The option's spec, and who takes it in c.owner: the target, else the latest match that knows it, else the `-p`
 * protocol's implicit match (results in the context: no object per option on the hot path).
 */
function optionSpec(c: ArgCtx): OptionSpec | undefined {
  const rule = c.rule;
  const target = rule.target;
  const ts = target ? targetOption(target.name, c.name) : undefined;
  c.owner = target;
  if (ts) return ts;
  for (let mi = rule.matches.length - 1; mi >= 0; mi--) {
    const s = matchOption(rule.matches[mi].module, c.name);
    c.owner = rule.matches[mi];
    if (s) return s;
  }
  // `! -p tcp --dport 80` too: iptables loads the tcp match for -p tcp, negated or not (it prints `! -p tcp -m tcp --dport 80`)
  const proto = rule.protocol;
  // a protocol that is a shell variable (`-p "$proto" --dport 53`): its ports are read as tcp's and udp's are
  const variable = proto?.value.startsWith('$');
  const s = proto && (variable || IMPLICIT_PROTOCOL_MODULES.has(proto.value)) ? matchOption(variable ? 'tcp' : proto.value, c.name) : undefined;
  c.owner = undefined;
  if (!proto || !s) return undefined;
  if (!c.implicitMatch) {
    c.implicitMatch = { module: proto.value, implicit: true, options: [], span: proto.span };
    rule.matches = append(rule.matches, c.implicitMatch);
  }
  c.owner = c.implicitMatch;
  return s;
}

/** Adds the option with the arguments takeArgs took, when every argument is valid (else one error per bad one). */
function addOption(c: ArgCtx, t: Tok, spec: OptionSpec, owner: RuleMatch | RuleTarget, negated: boolean): void {
  const n = TAKEN.n;
  const taken = TAKEN.args;
  let ok = true;
  for (let q = 0; q < n; q++) {
    const arg = taken[q];
    const e = validateArg(spec.kind, arg.text);
    if (e) {
      c.diags.push(mkDiag('error', e.code as DiagCode, e.message, tokSpan(c.ll, arg), arg.text));
      ok = false;
    }
  }
  if (!ok) return;
  const args = n === 1 ? [taken[0].text] : n === 2 ? [taken[0].text, taken[1].text] : taken.slice(0, n).map((a) => a.text);
  owner.options = append<RuleOption>(owner.options, { name: spec.name, negated, args, span: spanOf(c.ll, t.start, taken[n - 1].end) });
}
