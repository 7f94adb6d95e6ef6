/**
 * The arguments of one iptables call (after the binary, or a whole -S / iptables-save rule line): the command
 * (`-A CHAIN`, `-I CHAIN n`, …), the base options (`-p -s -d -i -o -f -m -j -g -t -c -w`) and the `!` before them.
 * Extension options (`--dport`, `--to-destination`, …) are read by ./ruleOptions.ts; what the command makes of the
 * whole line (a rule, a policy, a new chain, …) by ./ruleCommand.ts.
 */
import type { Rule, RuleDiagnostic, RuleMatch, RuleTarget, TableName } from './model';
import { DIAG, mkDiag, type DiagCode } from './codes';
import { newRule } from './newRule';
import { spanOf, type LogicalLine } from './lines';
import { isArgument, looksLikeOption, type Tok } from './tokenize';
import { BASE_LONG, BASE_SHORT, CMD_LONG, CMD_SHORT, type BaseOpt, type Cmd, type OptTok } from './optionTable';
import { lineResult, type LineResult } from './lineResult';
import { errAt } from './lineDiagnostics';
import { longOptionByPrefix, readExtensionOption } from './ruleOptions';
import { finishLine } from './ruleCommand';
import { baseMatch, givenTwice, readAddress, readCounters, readInterface, readJump, readMatchModule, readProtocol, readTable } from './ruleBaseValues';

/** A whole argument that is one shell expansion: `$x`, `${x}`, `${arr[@]}`, `$@`, `${@}`, `$*`, `$1`. */
// (`${rule/-A/-D}`, `${args[@]}`, `${x:-y}`: any parameter expansion; `$(cat rules)`: a command substitution)
export const SHELL_EXPANSION = /^@[A-Za-z_]\w*$|^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}|[@*0-9]|\{(?:[@*]|[0-9]+)\}|\(.*\)|\{\{.*\}\})$/;

/** What the parse of one line's arguments knows so far (one object per line). */
export interface ArgCtx {
  ll: LogicalLine;
  toks: Tok[];
  diags: RuleDiagnostic[];
  format: LineResult['format'];
  /** A pending `!` (negates the next option). */
  neg: Tok | undefined;
  table: TableName;
  rule: Rule;
  cmd: Cmd | undefined;
  /** The command's token and its chain (`-A CHAIN`, `--append=CHAIN`, `-ACHAIN`). */
  cmdTok: Tok | undefined;
  chainTok: Tok | undefined;
  /** The positional argument after the chain (-I n, -D n, -R n, -P POLICY, -E NEW), if any. */
  cmdArg: Tok | undefined;
  /** A base or extension option of a rule was given (a rule specification). */
  ruleStarted: boolean;
  /** `-c packets bytes`. */
  counters: { packets: number; bytes: number } | undefined;
  /** `-t "$table"`: the table comes from a variable. */
  tableVar: Tok | undefined;
  /** The first listing-only flag (-n, -x, --line-numbers). */
  listFlag: Tok | undefined;
  lastMatch: RuleMatch | undefined;
  /** The last `-m` was an unknown module: its options are kept, not reported one by one. */
  lastUnknownModule: RuleMatch | undefined;
  /** The match of the `-p` protocol's options written without `-m` (`-p tcp --dport 80`). */
  implicitMatch: RuleMatch | undefined;
  /** Who takes the extension option being read (./ruleOptions.ts). */
  owner: RuleMatch | RuleTarget | undefined;
  /** The option being read: its name without dashes, an inline value (`--opt=v`, `-Xvalue`), long or short. */
  name: string;
  inline: string | undefined;
  isLong: boolean;
}

export function errTok(c: ArgCtx, code: DiagCode, msg: string, t: Tok): void {
  errAt(c.diags, c.ll, code, msg, t);
}

/** Consumes the pending `!`: whether there was one. */
export function takeNeg(c: ArgCtx): boolean {
  const v = c.neg !== undefined;
  c.neg = undefined;
  return v;
}

/** What takeArgs took: `n` tokens in `args[0..n)`, the next token index, an old-style `!`. Reused by every call. */
interface Taken {
  n: number;
  args: Tok[];
  next: number;
  neg: boolean;
}
export const TAKEN: Taken = { n: 0, args: [], next: 0, neg: false };

/**
 * Takes `count` arguments after toks[at]; supports old-style `--opt ! arg` negation. Fills TAKEN (valid until the
 * next call: no per-option result object or array); false (and a diagnostic) when arguments are missing.
 */
export function takeArgs(c: ArgCtx, at: number, count: number, optTok: Tok, inline: string | undefined): boolean {
  const toks = c.toks;
  const args = TAKEN.args;
  let n = 0;
  let j = at + 1;
  let neg = false;
  if (inline !== undefined) {
    args[n++] = { text: inline, start: optTok.end - inline.length, end: optTok.end, quoted: true, op: false, opt: undefined };
    count--;
  }
  if (count > 0 && j + 1 < toks.length && !toks[j].quoted && toks[j].text === '!') {
    // kernel-checked: iptables 1.8.9 refuses the pre-1.4.3 spelling (`-i ! eth0`: "Bad argument `eth0'")
    errTok(c, DIAG.unexpectedToken, `"${optTok.text} ! …" is the old spelling of a negation: iptables 1.8 refuses it; write "! ${optTok.text} …"`, toks[j]);
    neg = true;
    j++;
  }
  for (; count > 0; count--) {
    const t = toks[j];
    if (!t || !isArgument(t)) {
      errTok(c, DIAG.missingArgument, `option ${optTok.text} needs ${n === 0 && count === 1 ? 'an argument' : `${count} more argument(s)`}`, optTok);
      return false;
    }
    args[n++] = t;
    j++;
  }
  TAKEN.n = n;
  TAKEN.next = j;
  TAKEN.neg = neg;
  return true;
}

/** Appends to an array of a model object: one- and two-element arrays are allocated at their exact size. */
export function append<T>(list: T[], x: T): T[] {
  const n = list.length;
  if (n === 0) return [x];
  if (n === 1) return [list[0], x];
  list.push(x);
  return list;
}

/**
 * The context of the line being parsed: one object for every line, reset here (a fresh object per line costs
 * measurably on 5,000-line files; parsing is synchronous and never nested, so one is enough).
 */
// Stryker disable all: the initial values are never read: newArgCtx sets every field of a line's context before its parse, optionName the option's name, optionSpec its owner
const CTX: ArgCtx = {
  ll: { line: 0, text: '' }, toks: [], diags: [], format: 'S', neg: undefined, table: 'filter', rule: newRule('filter', '', 0, '', { line: 0, start: 0, end: 0 }), cmd: undefined, cmdTok: undefined,
  chainTok: undefined, cmdArg: undefined, ruleStarted: false, counters: undefined, tableVar: undefined, listFlag: undefined, lastMatch: undefined, lastUnknownModule: undefined, implicitMatch: undefined, owner: undefined, name: '', inline: undefined, isLong: false,
};
// Stryker restore all

function newArgCtx(ll: LogicalLine, toks: Tok[], table: TableName, format: LineResult['format'], diags: RuleDiagnostic[]): ArgCtx {
  // the rule's text ends before the first shell operator (`iptables -A X -j DROP || true`)
  let opAt = -1;
  for (let q = 0; q < toks.length && opAt < 0; q++) if (toks[q].op) opAt = q;
  const lastTok = opAt >= 0 ? toks[opAt - 1] : toks[toks.length - 1];
  const c = CTX;
  c.ll = ll;
  c.toks = toks;
  c.diags = diags;
  c.format = format;
  c.neg = undefined;
  c.table = table;
  c.rule = newRule(table, '', ll.line, ll.text, spanOf(ll, toks.length ? toks[0].start : 0, lastTok ? lastTok.end : ll.text.length));
  c.cmd = c.cmdTok = c.chainTok = c.cmdArg = c.listFlag = c.tableVar = undefined;
  c.counters = undefined;
  c.lastMatch = c.lastUnknownModule = c.implicitMatch = undefined;
  c.ruleStarted = false;
  return c;
}

/**
 * `!` before an option, also as a shell command writes it quoted (`'!' -s 10.0.0.0/8`, `\\!`): the shell removes
 * the quotes, so iptables reads a plain `!` (kernel: accepted).
 */
function isBang(c: ArgCtx, t: Tok): boolean {
  if (t.text !== '!') return false;
  return !t.quoted || (c.format === 'command' && /^(?:'!'|"!"|\\!)$/.test(c.ll.text.slice(t.start, t.end)));
}

/** Parses toks[k..] (up to a shell operator) as iptables arguments into a line result. */
export function parseArgs(ll: LogicalLine, toks: Tok[], k: number, defaultTable: TableName, format: LineResult['format'], diags: RuleDiagnostic[]): LineResult {
  const c = newArgCtx(ll, toks, defaultTable, format, diags);
  let tailOp: Tok | undefined;
  let i = k;
  while (i < toks.length) {
    const t = toks[i];
    if (t.op) {
      tailOp = t;
      break;
    }
    if (isBang(c, t)) {
      if (c.neg) errTok(c, DIAG.unexpectedToken, 'double negation "! !"', t);
      c.neg = t;
      i++;
    } else if (format === 'command' && !c.cmd && SHELL_EXPANSION.test(t.text) && toks[i + 1] && !toks[i + 1].op && !looksLikeOption(toks[i + 1])) {
      // `iptables ${X} INPUT -p udp …` (X is -A, -I or -D, given by the template): the variable is the command
      return unknownRule(c, t, 'command');
    } else if (format === 'command' && c.cmd && isNote(t)) {
      // `sudo iptables -L -n    查看iptables规则的情况` (course notes): the words after the command are the author's note
      diags.push(mkDiag('info', DIAG.notIptables, `"${t.text}" and what follows read as a note in another script, not as arguments`, spanOf(ll, t.start, toks[toks.length - 1].end), t.text));
      break;
    } else if (!looksLikeOption(t)) {
      // `iptables $line`, a wrapper's `"$@"` / `"${args[@]}"`: a variable expands to options nobody can see here (unknown, not wrong)
      if (!(format === 'command' && SHELL_EXPANSION.test(t.text))) errTok(c, DIAG.unexpectedToken, `unexpected argument "${t.text}"`, t);
      i++;
    } else if (format === 'command' && !c.cmd && VARIABLE_OPTION.test(t.text)) {
      // `$IPT -t nat -${1} POSTROUTING …` (A or D, given when the script runs): the command is unknown, and so is the rule
      return unknownRule(c, t, 'command');
    } else i = readOption(c, t, i);
  }
  // `iptables -S "$chain" -t "${table}"` in a loop over tables: which table is known only when the script runs
  if (c.tableVar) return unknownRule(c, c.tableVar, 'table');
  if (c.neg) errTok(c, DIAG.unexpectedToken, '"!" at the end of the rule negates nothing', c.neg);
  if (tailOp) {
    // the rest belongs to the shell (e.g. `|| true`): fine, reported as info
    diags.push(mkDiag('info', DIAG.notIptables, `shell text after "${tailOp.text}" is not part of the rule`, spanOf(ll, tailOp.start, toks[toks.length - 1].end), tailOp.text));
  }
  return finishLine(c);
}

function unknownRule(c: ArgCtx, t: Tok, what: string): LineResult {
  c.diags.push(mkDiag('info', DIAG.noCommand, `the ${what} "${t.text}" comes from a variable: it is known only when the script runs, so this rule is not judged`, spanOf(c.ll, t.start, t.end), t.text));
  return lineResult('other', c.ll.line, c.table, c.format, c.diags);
}

/**
 * An unquoted word with letters of a script without case (Han, Kana, Hangul, …) where iptables expects an option: a
 * note the author wrote after the command.
 */
function isNote(t: Tok): boolean {
  return !t.quoted && !t.op && !/^-/.test(t.text) && /\p{Lo}/u.test(t.text);
}

/** An option spelled with a variable: `-${1}`, `-$ACTION`, `--${op}`. */
const VARIABLE_OPTION = /^--?\$/;

/** Sets c.name / c.inline / c.isLong for the option token t. */
function optionName(c: ArgCtx, t: Tok): void {
  const known = t.opt;
  c.inline = undefined;
  if (known !== undefined) {
    c.isLong = known.isLong;
    c.name = known.name;
  } else if (t.text.startsWith('--')) {
    c.isLong = true;
    const eq = t.text.indexOf('=');
    c.name = eq < 0 ? t.text.slice(2) : t.text.slice(2, eq);
    if (eq >= 0) c.inline = t.text.slice(eq + 1);
  } else if (/^-[nvx]+[LSZ]?$/.test(t.text)) {
    // short options bundled as getopt reads them: `-nL`, `-nvL` (listing flags, then one listing command; after
    // the command getopt reads the rest as its chain: `-Ln` lists chain "n", read by the branch below), or flags
    // alone (`iptables -L -vn`, mailcow's bug template)
    c.isLong = false;
    c.name = t.text.slice(-1);
    const flag = /[nx]/.exec(t.text);
    if (flag) c.listFlag ??= { ...t, text: `-${flag[0]}`, start: t.start + flag.index, end: t.start + flag.index + 1 };
  } else {
    c.isLong = false;
    c.name = t.text.slice(1, 2);
    if (t.text.length > 2) c.inline = t.text.slice(2);
  }
}

/** Reads the option at toks[i] (a command, a base option or an extension option); the index after it. */
function readOption(c: ArgCtx, t: Tok, i: number): number {
  optionName(c, t);
  const known = t.opt;
  // an abbreviated long option (getopt_long): read as the option it names
  if (known === undefined && c.isLong && !CMD_LONG.has(c.name) && !BASE_LONG.has(c.name) && !isExactExtension(c)) c.name = longOptionByPrefix(c) ?? c.name;
  return readNamedOption(c, t, i, known);
}

/** Reads the option at toks[i] by the name c.name holds (`known`: what the option table says of the token, if anything). */
export function readNamedOption(c: ArgCtx, t: Tok, i: number, known: OptTok | undefined): number {
  const command = known !== undefined ? known.cmd : (c.isLong ? CMD_LONG : CMD_SHORT).get(c.name);
  if (command && (c.isLong || c.inline === undefined || !c.ruleStarted)) return readCommand(c, t, i, command);
  const base = known !== undefined ? known.base : (c.isLong ? BASE_LONG : BASE_SHORT).get(c.name);
  // `-vx…` bundles are not read as flags with an inline value
  if (base && !(!c.isLong && c.inline !== undefined && base === 'flag')) return readBaseOption(c, t, i, base);
  c.ruleStarted = true;
  return readExtensionOption(c, t, i);
}

/** An option token the global table does not know may still be an exact option of a module (`-m foo --bar`, foo unknown): not a prefix. */
function isExactExtension(c: ArgCtx): boolean {
  return c.lastUnknownModule !== undefined && c.lastMatch === c.lastUnknownModule;
}

/** Commands with a positional argument after the chain, and those where it is a rule number. */
const EXTRA_ARG = new Set<Cmd>(['I', 'D', 'R', 'P', 'E', 'L', 'Z', 'S']);
const NUMERIC_ARG = new Set<Cmd>(['I', 'D', 'L', 'Z', 'S']);
/** A rule number, or a shell variable or substitution holding one (`$n`, `${n}`, `$(($# + 1))`, `$(count)`). */
const POSITION_RE = /^(\d+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\(.*\))$/;

/** -A CHAIN / -I CHAIN [n] / -D CHAIN [n] / -R CHAIN n / -N C / -X [C] / -F [C] / -P C POL / -E OLD NEW / -L/-S/-Z [C [n]]. */
function readCommand(c: ArgCtx, t: Tok, i: number, cmd: Cmd): number {
  if (c.neg) {
    errTok(c, DIAG.unexpectedToken, `"!" cannot negate ${t.text}`, c.neg);
    c.neg = undefined;
  }
  if (c.cmd) {
    errTok(c, DIAG.multipleCommands, `only one command per line (already ${c.cmdTok?.text})`, t);
    return i + 1;
  }
  const toks = c.toks;
  c.cmd = cmd;
  c.cmdTok = t;
  let j = i + 1;
  const inline = c.inline;
  if (inline !== undefined) c.chainTok = { text: inline, start: t.end - inline.length, end: t.end, quoted: false, op: false, opt: undefined };
  else if (j < toks.length && isArgument(toks[j])) c.chainTok = toks[j++];
  const x = toks[j];
  if (EXTRA_ARG.has(cmd) && c.chainTok && x && isArgument(x) && (!NUMERIC_ARG.has(cmd) || POSITION_RE.test(x.text))) {
    c.cmdArg = x;
    j++;
  }
  return j;
}

const NEGATABLE = new Set<BaseOpt>(['p', 's', 'd', 'i', 'o', 'f']);
/** Flags iptables accepts only with -L (`Illegal option \`-n' with this command`). */
const LIST_FLAGS = new Set(['n', 'x', 'numeric', 'exact', 'line-numbers']);

/** -p -s -d -i -o -f -m -j -g (parts of the rule), -t -c (of the call), -w -W and flags (ignored). */
function readBaseOption(c: ArgCtx, t: Tok, i: number, base: BaseOpt): number {
  const neg = takeNeg(c);
  if (neg && !NEGATABLE.has(base)) errTok(c, DIAG.unexpectedToken, `"!" cannot negate ${t.text}`, t);
  switch (base) {
    case 'flag':
      if (LIST_FLAGS.has(c.name)) c.listFlag ??= t;
      return i + 1;
    case 'w':
    case 'W':
      // -w [seconds], -W [microseconds]
      return c.inline === undefined && i + 1 < c.toks.length && /^\d+(\.\d+)?$/.test(c.toks[i + 1].text) ? i + 2 : i + 1;
    case 'f':
      c.ruleStarted = true;
      if (!givenTwice(c, t, c.rule.fragment)) c.rule.fragment = baseMatch(c.ll, '', neg, t);
      return i + 1;
    case 't':
      return readTable(c, t, i);
    case 'c':
      return readCounters(c, t, i);
    default:
      break;
  }
  c.ruleStarted = true;
  if (!takeArgs(c, i, 1, t, c.inline)) return i + 1;
  const v = TAKEN.args[0];
  const negated = neg || TAKEN.neg;
  const rule = c.rule;
  if (base === 'p') readProtocol(c, t, v, negated);
  else if (base === 's' || base === 'd') {
    if (!givenTwice(c, t, base === 's' ? rule.source : rule.destination)) readAddress(c, base, v, negated);
  } else if (base === 'i' || base === 'o') {
    if (!givenTwice(c, t, base === 'i' ? rule.inInterface : rule.outInterface)) readInterface(c, base, v, negated);
  }
  else if (base === 'm') readMatchModule(c, t, v);
  else readJump(c, base, t, v);
  return TAKEN.next;
}
