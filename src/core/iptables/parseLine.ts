/**
 * One logical line of rule text: iptables-save structure (`*table`, `COMMIT`, `:CHAIN POLICY [p:b]`, `[p:b] -A …`),
 * `-S` lines (`-A …`, `-P …`, `-N …`), and shell command lines (./shellLine.ts). Arguments: ./ruleArgs.ts.
 */
import type { RuleDiagnostic, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { DIAG, mkDiag } from './codes';
import { spanOf, type LogicalLine } from './lines';
import { isSpace, tokenize, type Tok } from './tokenize';
import { isTableName, lineResult, type LineResult, type LineState } from './lineResult';
import { checkChainName, proseAfterOption } from './lineDiagnostics';
import { parseArgs } from './ruleArgs';
import { NAT_ONLY_TARGETS } from './ruleChecks';
import { parseShellLine } from './shellLine';

/** Applies the state change of a line without parsing it (for cached lines): exactly what parseLogicalLine does. */
export function advanceLineState(text: string, state: LineState): void {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  // only `*table` and `COMMIT` lines change the state: re-parse just those (cheap, and identical by construction)
  // (a program's string opens a table only outside a section)
  if (c === 42 /* * */ || c === 67 /* C */ || (state.table === undefined && tableOpenedInString(text) !== undefined)) parseLogicalLine({ line: 0, text }, state);
}

const STRING_OPENS_TABLE = /^[^`'"]*[=(,:[]\s*[A-Za-z]?(?:`|"""|'''|"|')\*([a-z]+)\s*$/;

/**
 * A program's string that starts with a table line, restore text from there on: Go's ``const rules = `*filter``,
 * Python's `RULES = """*nat` (holdout 54: a Go test's iptables-save constants). The table name, or undefined.
 */
function tableOpenedInString(text: string): TableName | undefined {
  // (a line without `*` after its first column cannot: no regular expression run for it)
  const name = text.indexOf('*') > 0 ? STRING_OPENS_TABLE.exec(text)?.[1] : undefined;
  return name !== undefined && isTableName(name) ? name : undefined;
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
  for (const line of ll.doubled ?? []) {
    diags.push(mkDiag('info', DIAG.unexpectedToken, 'this line ends in `\\\\`: read as continued on the next line (as an unquoted here-document or a generator writes the script); run as it is, the shell passes a literal `\\` to iptables, which refuses it', { line, start: 0, end: 0 }));
  }

  if (c === 42 /* * */) {
    const { toks } = tokenize(text, false);
    const name = toks[0].text.slice(1);
    // a shell `case` pattern (`*)`, `*.conf)`) among commands, or Markdown (`**Important**:`, `* a bullet`) around
    // them: not a table line, which is `*` and one word
    if (!inSave && !isTableName(name) && (toks.length > 1 || !/^[A-Za-z_]+$/.test(name))) return parseShellLine(ll, tokenize(text, true).toks, table, diags);
    if (isTableName(name)) {
      state.table = name;
      for (const t of toks.slice(1)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}" after the table name`, spanOf(ll, t.start, t.end), t.text));
      return lineResult('table', ll.line, name, 'save', diags);
    }
    state.table = undefined;
    diags.push(mkDiag('error', DIAG.unknownTable, `unknown table "${name}" (valid: filter, nat, mangle, raw, security)`, spanOf(ll, toks[0].start + 1, toks[0].end), toks[0].text));
    return lineResult('invalid', ll.line, table, 'save', diags);
  }
  // (a `*` line has returned above)
  const opened = inSave ? undefined : tableOpenedInString(text);
  if (opened) {
    state.table = opened;
    return lineResult('table', ll.line, opened, 'save', diags);
  }
  if (c === 67 /* C */ && text.startsWith('COMMIT', i) && (i + 6 === n || isSpace(text.charCodeAt(i + 6)) || text.charCodeAt(i + 6) === 35)) {
    const { toks } = tokenize(text, false);
    for (const t of toks.slice(1)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}" after COMMIT`, spanOf(ll, t.start, t.end), t.text));
    // iptables-restore fails on it (`line N failed`)
    if (!inSave) diags.push(mkDiag('error', DIAG.unexpectedToken, 'COMMIT without a *table section', spanOf(ll, i, i + 6), 'COMMIT'));
    state.table = undefined;
    return lineResult('commit', ll.line, table, 'save', diags);
  }
  // `: "prepare" && {`: outside a *table section, `:` and a blank is the shell's no-op builtin, not a chain line; nor
  // are Markdown's `::: note` or a prompt `:~$ ./deploy.sh` (holdout 29): a chain line names a chain and its policy
  if (c === 58 /* : */ && (inSave || CHAIN_LINE.test(text))) return parseChainDecl(ll, i, table, fmt, diags);
  if (c === 58) return parseShellLine(ll, tokenize(text, true).toks, table, diags);

  // `[0:0] -A …` (iptables-save -c counters) is not shell; `[ -n "$x" ] && iptables …` / `[[ … ]] && …` is, and so
  // is a `[Service]` section header pasted among commands (a unit file's, not a counter: counters start with a digit)
  const next = text.charCodeAt(i + 1);
  // outside a *table section, `- cmd` is a YAML or Markdown list item (cloud-init runcmd, a guide's bullets): the
  // command after the dash is read; `---…` is a text underline or a document marker, not a rule
  const listItem = c === 45 && !inSave && (i + 1 >= n || isSpace(next));
  // (or the column underline of a table: `--   ------   ----` under ufw status's `To   Action   From`)
  const underline = c === 45 && !inSave && ((next === 45 && text.charCodeAt(i + 2) === 45) || COLUMN_UNDERLINE.test(text));
  // cloud-init's `runcmd: - "iptables -P FORWARD ACCEPT"`, an Ansible task's `command: "iptables …"`: YAML's quotes
  // around the whole command are not the shell's
  const yaml = !inSave && (listItem || c !== 45) ? YAML_QUOTED.exec(text) : null;
  if (yaml && (listItem || yaml[1].trim() !== '')) {
    const unquoted = `${yaml[1]} ${yaml[3]} `;
    return parseShellLine({ ...ll, text: unquoted }, tokenize(unquoted, true).toks.slice(listItem ? 1 : 0), table, diags);
  }
  // make's prefixes (`-` ignore errors, `@` silent, `+` always run, in any order) are not part of the command
  const recipe = c === 45 && !inSave && makeRecipe(text, i);
  // `    -m conntrack … -j ACCEPT 2>/dev/null || \\`: shell operators and redirections are the shell's, so a line that
  // holds them is a piece of a shell command (one whose continuation was lost), never an -S rule line
  const fragment = c === 45 && !inSave && MAYBE_SHELL.test(text) && shellSyntax(text);
  // a shell `case` pattern (`-i|--interface) iface="$2"; shift 2 ;;`): no option ends in `)`
  const casePattern = c === 45 && !inSave && CASE_PATTERN.test(text);
  const shell = recipe || fragment || listItem || underline || casePattern || (c !== 45 /* - */ && (c !== 91 /* [ */ || next === 91 || isSpace(next) || (!inSave && !(next >= 48 && next <= 57))));
  const { toks: words, unterminated } = tokenize(recipe ? `${text.slice(0, i)}${text.slice(i).replace(/^[-@+]+/, (p) => ' '.repeat(p.length))}` : text, shell, inSave && !shell);
  if (unterminated !== undefined) diags.push(mkDiag('error', DIAG.unterminatedQuote, 'unterminated quote', spanOf(ll, unterminated, n), text.slice(unterminated)));
  const toks = shell ? words : withPlaceholders(ll, words, diags);
  let k = 0;
  let counters: { packets: number; bytes: number } | undefined;
  if (toks.length && toks[0].text.startsWith('[') && !toks[0].quoted && !shell) {
    counters = parseBracketCounters(ll, toks[0], diags);
    // outside a *table section, `[1] 17:55:32 [SUCCESS] server9:22` (pssh's status line above a node's output) is no
    // counter followed by words: a tool's text, not a rule (holdout 45)
    if (!inSave && !counters && toks[1] && !toks[1].text.startsWith('-')) {
      return textLine(ll, i, table, fmt, 'a bracketed word followed by text (a tool\'s status line, as pssh prints above each node\'s output): not read as a rule');
    }
    k = 1;
  } else if (shell) {
    return parseShellLine(ll, listItem ? toks.slice(1) : toks, table, diags);
  }
  // a line that starts with a one-letter option iptables does not have (`    -e MAIN_NODE_IP_ADDRESS='127.0.0.1'`, a
  // `docker run` option in an installer's advice) is another program's text
  const first = toks[k];
  if (!inSave && first && !first.quoted && /^-[A-Za-z]$/.test(first.text) && !first.opt) {
    return textLine(ll, i, table, fmt, `text that starts with ${first.text}, an option iptables does not have: not read as a rule`);
  }
  // `--wait -t nat -I DOCKER-INGRESS …`: the arguments of an iptables call logged or passed on without its binary
  // (Docker's own calls as its debug log prints them), not an -S line
  if (!inSave && first && (first.text === '--wait' || first.text === '-w')) {
    return textLine(ll, i, table, fmt, 'the arguments of an iptables call without its binary (a log line, a wrapper\'s argv): not read as a rule');
  }
  const before = diags.slice();
  let res = parseArgs(ll, toks, k, table, fmt, diags);
  // an `-S` line outside a *table section with a nat-only target (`-A DOCKER ! -i docker0 … -j DNAT …` quoted from
  // `iptables -t nat -S`): iptables refuses that target in any other table, so the line is the nat table's
  if (!inSave && table === 'filter' && res.rule?.target && NAT_ONLY_TARGETS.has(res.rule.target.name)) res = parseArgs(ll, toks, k, 'nat', fmt, before);
  // and a DROP in PREROUTING among nat lines (Docker 28's raw-table rule `-A PREROUTING -d 172.18.0.2/32 ! -i br-… -j
  // DROP` quoted under its DNATs, holdout 59): the nat table refuses DROP, raw (and mangle) take it: the raw table's
  else if (!inSave && table === 'nat' && res.rule?.chain === 'PREROUTING' && res.rule.target?.name === 'DROP') res = parseArgs(ll, toks, k, 'raw', fmt, before);
  if (counters && res.rule) res.rule.counters = counters;
  // outside a *table section, a line that starts with an option and goes on in words is a sentence about the
  // options (`-A appends a rule to the INPUT chain`, `-P 控制默认规则`, a usage text's `-b / --binary  iptables binary`)
  if (!inSave && proseAfterOption(res.diagnostics, text)) {
    return textLine(ll, i, table, fmt, 'text that starts with an option (a sentence or a usage line): not read as a rule');
  }
  return res;
}

/** The line from column i on is text, not a rule: one info says why. */
function textLine(ll: LogicalLine, i: number, table: TableName, fmt: LineResult['format'], why: string): LineResult {
  return lineResult('other', ll.line, table, fmt, [mkDiag('info', DIAG.notIptables, why, spanOf(ll, i, ll.text.length), ll.text.slice(i))]);
}

/** A documentation placeholder written as one word (`--dport <PORT>`, `-s <trusted-cidr>/32`) on a restore or -S line. */
const PLACEHOLDER = /^<([A-Za-z][\w.-]*)>(\S*)$/;

/** Each placeholder an unknown value (as a shell variable is), said by an info; iptables-restore would refuse it as written. */
function withPlaceholders(ll: LogicalLine, toks: Tok[], diags: RuleDiagnostic[]): Tok[] {
  if (!ll.text.includes('<')) return toks;
  return toks.map((t) => {
    const m = t.quoted ? null : PLACEHOLDER.exec(t.text);
    if (!m) return t;
    diags.push(mkDiag('info', DIAG.placeholder, `<${m[1]}> is a placeholder to fill in: the rule is checked with that value unknown`, spanOf(ll, t.start, t.end), t.text));
    return { ...t, text: `$${m[1].replace(/\W/g, '_')}${m[2]}`, quoted: true, opt: undefined };
  });
}

const COLUMN_UNDERLINE = /^\s*-+(?:[ \t]+-+)+\s*$/;

/** A chain line outside a *table section: `:NAME POLICY|- [counters]`. */
const CHAIN_LINE = /^\s*:[^\s:]+(?:\s+(?:[A-Z]+|-)(?:\s+\[\d+:\d+\])?|\s+\[\d+:\d+\])?\s*$/;
const CASE_PATTERN = /^\s*-[^\s()]*\)(?:\s|$)/;

/** A YAML list item or command key (./shellLine.ts YAML_COMMAND_KEY) whose value is one quoted string. */
const YAML_QUOTED = /^(\s*(?:-\s+)?(?:(?:ansible\.(?:builtin|legacy)\.)?(?:command|shell|raw|cmd):\s+)?)(["'])([^"'\\]*)\2\s*$/;

/** `||`, `&&`, a pipe, a redirection (`2>/dev/null`, `>&2`) or a final `;` before any quote or comment (linear). */
const MAYBE_SHELL = /[|&>;]/;
function shellSyntax(text: string): boolean {
  const cut = text.search(/['"#]/);
  const head = cut < 0 ? text : text.slice(0, cut);
  return /\|\||&&|\s\|\s|\s\d?>[&/]/.test(head) || (cut < 0 && /;\s*$/.test(head));
}

/**
 * A Makefile recipe line (tab-indented) whose `-` prefix tells make to ignore the command's failure
 * (`\t-sudo pkill -f x || true`, `\t-iptables -D …`): a shell command, not a bare rule line. A bare rule starts with
 * an iptables command (`-A`, `-N`, `--append`, …) or `-t`.
 */
function makeRecipe(text: string, i: number): boolean {
  if (text.charCodeAt(0) !== 9 || text.charCodeAt(i + 1) === 45) return false;
  const word = /^-[@+]*([A-Za-z][\w./-]*)/.exec(text.slice(i));
  return !!word && word[1].length > 1;
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
  // kernel-checked (iptables-restore 1.8.9): `:DOCKER-USER [0:0]` declares a user chain; `:INPUT [0:0]` is refused ("Bad policy name")
  if (pol.text.startsWith('[') && !toks[2]) {
    if (builtin) diags.push(mkDiag('error', DIAG.badPolicy, `missing policy for the builtin chain ${name} (ACCEPT or DROP)`, spanOf(ll, pol.start, pol.end), pol.text));
    const c = parseBracketCounters(ll, pol, diags);
    if (c) res.policyCounters = c;
    return res;
  }
  if (pol.text !== '-') {
    if (pol.text !== 'ACCEPT' && pol.text !== 'DROP') diags.push(mkDiag('error', DIAG.badPolicy, `bad policy "${pol.text}" (ACCEPT or DROP)`, spanOf(ll, pol.start, pol.end), pol.text));
    else if (!builtin) diags.push(mkDiag('error', DIAG.badPolicy, `${name} is not a builtin chain of table ${table}: it cannot have a policy`, spanOf(ll, pol.start, pol.end), pol.text));
    else res.policy = pol.text;
  }
  // `:INPUT - [0:0]`: iptables-restore (nft and legacy) takes it and keeps the chain's policy
  if (toks[2]) {
    const c = parseBracketCounters(ll, toks[2], diags);
    if (c) res.policyCounters = c;
  }
  for (const t of toks.slice(3)) diags.push(mkDiag('error', DIAG.unexpectedToken, `unexpected "${t.text}"`, spanOf(ll, t.start, t.end), t.text));
  return res;
}
