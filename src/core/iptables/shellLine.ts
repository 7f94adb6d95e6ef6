/**
 * Shell command lines around iptables calls: `sudo iptables …`, `$IPT …`, `docker exec c iptables …`,
 * `iptables -C X … || iptables -I X …`, `if ! iptables -C …; then iptables -A …; fi`, redirections, `|| true`.
 * The call that changes rules is the line's rule; other shell text is ignored (info), never an error.
 */
import type { RuleDiagnostic, TableName } from './model';
import { DIAG, mkDiag } from './codes';
import { spanOf, type LogicalLine } from './lines';
import { tokenize, type Tok } from './tokenize';
import { lineResult, type LineResult } from './lineResult';
import { parseArgs } from './ruleArgs';
import { proseAfterOption } from './lineDiagnostics';
import { programCommands } from './programStrings';
import { INLINE_CODE, givenToRun } from './inlineCode';
import { withPlaceholders, withoutRedirections } from './shellWords';

const BINARIES = new Set(['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'ip6tables-legacy', 'ip6tables-nft']);
// (`run`: a script's dry-run wrapper that prints or runs the command it is given, and bats' `run`)
const WRAPPERS = new Set(['sudo', 'doas', 'exec', 'command', 'nsenter', 'env', 'ip', 'run']);

/** A program's name without its path (`/usr/sbin/iptables-nft` → `iptables-nft`). */
function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The iptables binary, by any path (`/usr/sbin/iptables-nft`), or a variable that holds it (`$IPT`, `"${ipt}"`); not `IPT=/sbin/iptables`. */
function isBinary(t: Tok): boolean {
  const s = t.text;
  if (s.includes('=')) return false;
  return BINARIES.has(programName(s)) || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(s);
}

/** The binary is ip6tables: by name (any path), or a variable named for it (`"$IP6TABLES"`, `$IPT6`, `${ip6t}`: holdout 44). */
function runsIp6tables(word: string): boolean {
  return /^ip6tables/.test(programName(word)) || /^\$\{?\w*(?:ip6t|ipt6)\w*\}?$/i.test(word);
}

/**
 * A variable in command position holds the iptables binary when its name says so (`$IPT`, `${IPTABLES}`, `$ipt4`)
 * or an iptables command or table option follows it (`$cmd -A …`, `"$_cmd" -t nat …`); not `$port -j ACCEPT` (a
 * shell word of a grep pattern split by a nested quote).
 */
function variableRunsIptables(t: Tok, next: Tok | undefined): boolean {
  if (/ip6?t/i.test(t.text)) return true;
  const o = next?.opt;
  return !!o && (o.cmd !== undefined || o.base === 't' || o.base === 'w' || o.base === 'W');
}

/** Words that start or continue a shell compound command before the command itself (`if ! iptables -C …; then`). */
const SHELL_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time', 'fi', 'done', '}', ')']);
const SEPARATORS = new Set([';', ';;', '&&', '||', '|', '&']);
/** A simple command of a line and the separator before it (`''` for the first). */
interface SimpleCommand {
  toks: Tok[];
  after: string;
}

/** Splits the tokens at `;`, `&&`, `||`, `|`, `&` into simple commands. */
function shellCommands(toks: Tok[], first = ''): SimpleCommand[] {
  const out: SimpleCommand[] = [{ toks: [], after: first }];
  for (const t of toks) {
    if (t.op && SEPARATORS.has(t.text)) out.push({ toks: [], after: t.text });
    else out[out.length - 1].toks.push(t);
  }
  return out;
}

/** Separators after which the next command runs whenever the line runs (`a; b`, `a && b`, `a & b`), not `a || b` (only if a fails) nor a pipe. */
const THEN_RUNS = new Set([';', '&&', '&']);
const CHECK = new Set(['-C', '--check']);
/** A command in another branch of an `if` (`if …; then A; else B; fi`): A or B runs, not both. */
const ALTERNATIVE = new Set(['else', 'elif']);

/** Why a command after another one on its line is not run with it (`after`: the separator before it). */
function notRunWithTheOther(after: string, branch: string | undefined): string {
  if (branch) return `an iptables command in the \`${branch}\` branch runs only when the one before it does not`;
  if (after === '|') return 'an iptables command after "|" reads the output of the one before it';
  if (after === ';;') return 'an iptables command in another `case` branch runs only when its pattern matches';
  return `an iptables command after "${after}" runs only when the one before it fails`;
}

/** `docker exec` options that take a value (the container comes after them). */
export const EXEC_FLAGS_WITH_VALUE = new Set(['-u', '--user', '-e', '--env', '-w', '--workdir', '--env-file']);

/** `docker exec [flags] CONTAINER …` (or podman, or `kubectl exec … --`): the index after it, else k. */
function containerExec(cmd: Tok[], k: number): number {
  const tool = cmd[k].text;
  if (!(tool === 'docker' || tool === 'podman' || tool === 'kubectl') || cmd[k + 1]?.text !== 'exec') return k;
  let j = k + 2;
  while (j < cmd.length && cmd[j].text.startsWith('-') && cmd[j].text !== '--') j += EXEC_FLAGS_WITH_VALUE.has(cmd[j].text) ? 2 : 1;
  if (tool === 'kubectl') while (j < cmd.length && cmd[j].text !== '--') j++;
  // after the container (kubectl: after `--`); past the end when there is none: no command follows
  return j + 1;
}

/** Options of the wrappers that take a value: `sudo -u root`, `doas -u root`, `env -u VAR`, `nsenter -t 1 -S 0 -G 0`. */
const WRAPPER_VALUE_OPTIONS = new Set(['-u', '--user', '-g', '--group', '-C', '--chdir', '-t', '--target', '-S', '--setuid', '-G', '--setgid']);

/** `sudo [opts] …`, `nsenter [opts] …`, `env [opts] …`, `ip netns exec NAME …`: the index after the wrapper and its options, else k. */
function wrapperEnd(cmd: Tok[], k: number): number {
  const w = cmd[k].text;
  if (w === 'ip') return cmd[k + 1]?.text === 'netns' && cmd[k + 2]?.text === 'exec' ? k + 4 : k;
  if (!WRAPPERS.has(w)) return k;
  let j = k + 1;
  // options, and `--` (an option too here: it is skipped the same way)
  while (j < cmd.length && cmd[j].text.startsWith('-')) j += WRAPPER_VALUE_OPTIONS.has(cmd[j].text) ? 2 : 1;
  return j;
}

/** The YAML keys whose value is a shell command line: Ansible's command/shell/raw modules (and their `cmd:` argument). */
export const YAML_COMMAND_KEY = /^(?:ansible\.(?:builtin|legacy)\.)?(?:command|shell|raw|cmd):$/;

/**
 * Where a configuration file runs a command: an Ansible task's `command:` / `shell:` value (the index after the key), a systemd unit's `ExecStartPost=-/sbin/iptables …` (the binary is in the
 * key's word, after the `-+!@:` prefixes: the index after it), a fail2ban action's `actionstart = iptables …` or a
 * wg-quick config's `PostUp = iptables …` (the index after the `=`); else 0.
 */
function configCommandStart(cmd: Tok[]): number {
  // an Ansible task's `command: iptables …`, `shell: sudo iptables …`, `ansible.builtin.command: …` (YAML `key: value`)
  if (cmd[0] && !cmd[0].quoted && YAML_COMMAND_KEY.test(cmd[0].text)) return 1;
  const exec = /^Exec[A-Za-z]*=[-+!@:]*(\S+)$/.exec(cmd[0]?.text ?? '');
  if (exec) return !cmd[0].quoted && BINARIES.has(programName(exec[1])) ? 1 : 0;
  // (wg-quick's `PostUp = iptables …`, `PreDown = …` too)
  return cmd.length > 2 && /^[A-Za-z][A-Za-z0-9_]*$/.test(cmd[0].text) && cmd[1].text === '=' && !cmd[1].quoted ? 2 : 0;
}

/** A prompt copied with the command (`[root@vultr ~]# iptables -F`, `root@node1:~# …`, `me@host:~/x$ …`): the index after it, or 0. */
function promptEnd(cmd: Tok[]): number {
  if (!cmd[0] || cmd[0].quoted || !/^\[?[\w.-]+@[\w.-]+/.test(cmd[0].text)) return 0;
  for (let k = 0; k < Math.min(cmd.length, 3); k++) if (!cmd[k].quoted && /[#$]$/.test(cmd[k].text)) return k + 1;
  return 0;
}

/** Index of the token after the iptables binary in a simple command (`[sudo [-flags]] [VAR=x] iptables …`), or -1. */
function afterBinary(cmd: Tok[]): number {
  const config = configCommandStart(cmd);
  if (cmd[0] && config === 1 && cmd[0].text.startsWith('Exec')) return 1;
  let k = config;
  // a shell prompt (`$ iptables …`, `# iptables …` is a comment) and compound-command keywords
  if (cmd[0]?.text === '$' && !cmd[0].quoted) k++;
  else if (k === 0) k = promptEnd(cmd);
  // a `case` pattern before its command (`start|restart) iptables …`, `--check) MODE=check ;;`)
  if (k < cmd.length && !cmd[k].quoted && /^[^()\s]+\)$/.test(cmd[k].text)) k++;
  while (k < cmd.length && !cmd[k].quoted && SHELL_KEYWORDS.has(cmd[k].text)) k++;
  while (k < cmd.length) {
    const t = cmd[k];
    // `$SUDO iptables …`, `$SUDO docker exec c iptables …`: the variable is a wrapper when a binary or wrapper follows
    const next = cmd[k + 1];
    const wrapsMore = next !== undefined && (isBinary(next) || WRAPPERS.has(next.text) || containerExec(cmd, k + 1) > k + 1);
    // `"iptables" : false` is a JSON key (daemon.json written by a here-document), not a command
    if (t.quoted && next?.text.startsWith(':')) return -1;
    if (isBinary(t) && !(t.text.startsWith('$') && wrapsMore) && (!t.text.startsWith('$') || variableRunsIptables(t, next))) return k + 1;
    if (t.text.startsWith('$')) {
      k++;
      continue;
    }
    const wrapped = Math.max(containerExec(cmd, k), wrapperEnd(cmd, k));
    if (wrapped > k) {
      k = wrapped;
      continue;
    }
    // `VAR=value` before the command (the wrappers' options are read with them)
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t.text)) {
      k++;
      continue;
    }
    return -1;
  }
  return -1;
}

const SHELLS = /^(?:\S*\/)?(?:ba|da|z|k)?sh$/;

/** The index of the shell of `[sudo …] sh -c '…'` / `bash -ec "…"` / `su [-] [user] -c '…'`, or -1. */
function nestedShellAt(cmd: Tok[]): number {
  let k = cmd[0]?.text === '$' && !cmd[0].quoted ? 1 : 0;
  while (k < cmd.length && cmd[k].text !== 'ip' && wrapperEnd(cmd, k) > k) k = wrapperEnd(cmd, k);
  return k < cmd.length && !cmd[k].quoted && (SHELLS.test(cmd[k].text) || cmd[k].text === 'su') ? k : -1;
}

/**
 * `sh -c '…'`, `sudo bash -ec "…"`, `su root -c '…'`: the quoted word is a script of its own. Its tokens, at their
 * offsets in the line (copies: the tokenizer's are pooled), when the word is written as one quoted string without
 * escapes (so each offset is exact); else undefined.
 */
function nestedScript(ll: LogicalLine, cmd: Tok[]): Tok[] | undefined {
  const k = nestedShellAt(cmd);
  if (k < 0) return undefined;
  let j = k + 1;
  const su = cmd[k].text === 'su';
  // sh's options come before its operands (`sh ./fw.sh -c x` passes -c to the script); su takes the user anywhere
  const isC = (t: Tok) => (su ? t.text === '-c' || t.text === '--command' : /^-[A-Za-z]*c[A-Za-z]*$/.test(t.text));
  while (j < cmd.length && !cmd[j].quoted && !isC(cmd[j]) && (su || cmd[j].text.startsWith('-'))) j++;
  if (!cmd[j] || !isC(cmd[j])) return undefined;
  const w = cmd[j + 1];
  if (!w?.quoted) return undefined;
  const raw = ll.text.slice(w.start, w.end);
  if (!/^(['"]).*\1$/s.test(raw) || raw.slice(1, -1) !== w.text) return undefined;
  const base = w.start + 1;
  return tokenize(w.text, true).toks.map((t) => ({ ...t, start: t.start + base, end: t.end + base }));
}

/** The line's simple commands, a nested script's (`sh -c '…'`) in place of the command that runs it. */
function simpleCommands(ll: LogicalLine, cmds: SimpleCommand[]): SimpleCommand[] {
  if (!cmds.some((c) => nestedShellAt(c.toks) >= 0)) return cmds;
  const own = cmds.map((c) => ({ toks: c.toks.map((t) => ({ ...t })), after: c.after }));
  return own.flatMap((c) => {
    const inner = nestedScript(ll, c.toks);
    return inner ? shellCommands(withoutRedirections(inner), c.after) : [c];
  });
}

/**
 * `$ipt_pre_raw -p udp … -j DROP` with `ipt_pre_raw="iptables -I PREROUTING 1 -t raw "`: a variable in the binary's
 * place may hold the command and chain too. Options without a command after it are an unknown rule (one info), not
 * a rule with no command (holdout 22: 19 errors on one script).
 */
function commandInVariable(ll: LogicalLine, binary: Tok, res: LineResult): LineResult {
  if (!binary.text.startsWith('$') || !res.diagnostics.some((d) => d.code === DIAG.noCommand && d.severity === 'error')) return res;
  const info = mkDiag('info', DIAG.noCommand, `no command after ${binary.text}: the variable may hold the iptables command and its chain as well; this rule is known only when the script runs, so it is not judged`, spanOf(ll, binary.start, binary.end), binary.text);
  return lineResult('other', ll.line, res.table, 'command', [info]);
}

const IPV4_BINARIES = new Set(['iptables', 'iptables-legacy', 'iptables-nft']);

/** `iptables -s ::1`: the IPv4 binary refuses an IPv6 address ("host/network `::1' not found"; kernel-checked). */
function ipv6InIpv4(ll: LogicalLine, binary: Tok, res: LineResult): void {
  if (!IPV4_BINARIES.has(programName(binary.text))) return;
  for (const a of [res.rule?.source, res.rule?.destination]) {
    if (!a || !a.value.includes(':') || a.value.includes('$')) continue;
    res.diagnostics.push(mkDiag('error', DIAG.badAddress, `"${a.value}" is an IPv6 address: iptables (IPv4) refuses it ("host/network not found"); IPv6 rules are ip6tables'`, a.span, a.value));
    res.kind = 'invalid';
  }
}

/**
 * The word after the binary is a word of a sentence (`Description=Restore iptables rules for Docker ports`, `sudo
 * iptables is needed`): iptables takes options only, so the line is text naming iptables, not a call of it. (A word
 * without a lower-case letter, `iptables A INPUT`, or the binary written twice is still read: a typo iptables refuses.)
 */
function proseAfter(t: Tok | undefined): boolean {
  if (t && !t.quoted && /^[=:]/.test(t.text)) return true; // a program's `iptables = New…(…)`, a label `iptables: …`
  // (a lower-case letter of any script, or a letter of one without case: `iptables 规则被 Docker 自动修改`)
  return !!t && !t.quoted && !t.op && !/^[-$<{]/.test(t.text) && /[\p{Ll}\p{Lo}]/u.test(t.text) && !isBinary(t);
}

/** An option word that ends in a colon, last in its command (before a closing quote, the shell's `||`, `;`, a redirection, a `# comment`). */
const CAPTION = /\s--?[A-Za-z][\w-]*:(?=["']?\s*(?:$|[|&;#]|\d?>))/;

/**
 * A shell line: the iptables call that changes rules is the line's rule (`iptables -C X || iptables -I X`,
 * `if ! iptables -C …; then iptables -A …; fi`, `iptables … 2>/dev/null || true`); other shell text is ignored.
 */
export function parseShellLine(ll: LogicalLine, toks: Tok[], table: TableName, diags: RuleDiagnostic[]): LineResult {
  // (a line given to be run as Markdown's inline code is read inside its backticks first: `` `iptables -A X -j ACCEPT;
  // iptables -t nat -A Y -j MASQUERADE` ``, whose second command would otherwise end in "MASQUERADE`"; the span is
  // tokenized into the tokenizer's pooled list, so the line's own tokens are copied before)
  const own = ll.text.includes('`') ? toks.map((t) => ({ ...t })) : toks;
  let chosen = inlineCommand(ll, diags);
  chosen ??= chooseCommand(ll, simpleCommands(ll, shellCommands(withoutRedirections(withPlaceholders(ll, own, diags)))), diags) ?? programCommand(ll, diags);
  // a glossary line naming the binary (`iptables -p tcp : 表示使用 TCP协议`): a sentence, not a call
  // (a call with a rule command is a rule, a note or a placeholder in another language after it included)
  // (or a tool's message that starts with it, `iptables -w v1.8.2 (nf_tables): RULE_INSERT failed …`: no command, words)
  if (chosen && chosen.diagnostics.some((d) => d.code === DIAG.noCommand) && proseAfterOption(chosen.diagnostics, ll.text)) chosen = undefined;
  // a caption that ends in a colon (`iptables -L -vn:` above the pasted output, mailcow's bug template): no option
  // of iptables ends in one
  if (chosen && CAPTION.test(ll.text)) chosen = undefined;
  if (!chosen) {
    const i = toks.length ? toks[0].start : 0;
    diags.push(mkDiag('info', DIAG.notIptables, 'not an iptables rule: line ignored', spanOf(ll, i, ll.text.length), ll.text.slice(i)));
    return lineResult('other', ll.line, table, 'command', diags);
  }
  chosen.diagnostics.unshift(...diags);
  return chosen;
}

/** A listing call (`-L`, `-nvL`, `-S`) among the first words, and what its output holds (`Chain X (policy …`, `-P INPUT ACCEPT`). */
const LISTING_OPTION = /^(?:-[nvx]*[LS][nvx]*|--list(?:-rules)?)$/;
const LISTING_OUTPUT = /\bChain [\w-]+ \((?:policy|\d+ references)|\btarget\s+prot\s+opt\b|\s-P (?:INPUT|FORWARD|OUTPUT) (?:ACCEPT|DROP)\b/;

/**
 * A listing call with its output pasted onto the same line (`vmware@docker:~$ sudo iptables -L [sudo] password for
 * vmware: Chain INPUT (policy ACCEPT) …`, holdout 35): the words after it are the output, not its arguments.
 */
function listingWithItsOutput(ll: LogicalLine, cmd: Tok[], k: number, res: LineResult): LineResult {
  if (res.kind !== 'other' || !res.diagnostics.some((d) => d.severity === 'error') || !cmd.slice(k, k + 3).some((t) => LISTING_OPTION.test(t.text))) return res;
  if (!LISTING_OUTPUT.test(ll.text.slice(cmd[k].start))) return res;
  const last = cmd[cmd.length - 1];
  res.diagnostics = [mkDiag('info', DIAG.notIptables, 'a listing call with its output on the same line: not judged', spanOf(ll, cmd[k].start, last.end), ll.text.slice(cmd[k].start, last.end))];
  return res;
}

/** The iptables call of the line's simple commands that changes rules (others on the line are said or kept in `more`). */
function chooseCommand(ll: LogicalLine, cmds: SimpleCommand[], diags: RuleDiagnostic[]): LineResult | undefined {
  let chosen: LineResult | undefined;
  // the command before was a check (`iptables -C X … || iptables -I X …`): the one after `||` is the rule it adds
  let checked = false;
  for (const { toks: cmd, after } of cmds) {
    const wasChecked = checked;
    checked = false;
    const k = afterBinary(cmd);
    // (`iptables -w = …`: the wait option changes nothing of what the words after it are)
    // (or a usage synopsis, `iptables -w [-t table] COMMAND …`)
    // (or a heading, `iptables -w Rate Limiting (UDP)`; a bad wait time before options, `-w x1.5 -A X`, is a call)
    const wait = /^(?:-w|--wait)$/.test(cmd[k]?.text ?? '');
    if (k === -1 || proseAfter(cmd[k]) || (wait && ((proseAfter(cmd[k + 1]) && !(cmd[k + 2]?.text ?? '').startsWith('-')) || (cmd[k + 1]?.text ?? '').startsWith('[')))) continue;
    const own: RuleDiagnostic[] = [];
    // (a command without `-t` is always the filter table's: a table inferred from `-S` text is not its default)
    let res = parseArgs(ll, cmd, k, 'filter', 'command', own);
    res = listingWithItsOutput(ll, cmd, k, res);
    res = commandInVariable(ll, cmd[k - 1], res);
    ipv6InIpv4(ll, cmd[k - 1], res);
    res.ipv6 = runsIp6tables(cmd[k - 1].text);
    checked = CHECK.has(cmd[k]?.text ?? '');
    // a change (-A/-I/-D/-N/-F/…) wins over a check (-C) or listing (-L/-S): `iptables -C X || iptables -I X`
    if (!chosen || chosen.kind === 'other') chosen = res;
    // `iptables -A X …; iptables -t nat -A Y …` (wg-quick's PostUp): each command is a result of its own, and so is
    // each `-C … || -I …` pair's rule after the first (holdout 60: a wg0.conf PostUp of five such pairs)
    else if (res.kind !== 'other') {
      const branch = ALTERNATIVE.has(cmd[0].quoted ? '' : cmd[0].text) ? cmd[0].text : undefined;
      if ((THEN_RUNS.has(after) || (after === '||' && wasChecked)) && !branch) (chosen.more ??= []).push(res);
      else diags.push(mkDiag('info', DIAG.multipleCommands, `${notRunWithTheOther(after, branch)}: not linted (one rule per line): put it on its own line`, spanOf(ll, cmd[0].start, cmd[cmd.length - 1].end), ll.text.slice(cmd[0].start, cmd[cmd.length - 1].end)));
    }
  }
  return chosen;
}

/**
 * A command written inside a line that is not one: Markdown's inline code in a sentence (`` Run `iptables -I …` ``)
 * or a whole line in backticks (inlineCommand, asked first), or a program's string or argument list
 * (./programStrings.ts: programCommand, asked when the line is no command of its own). The first span holding an
 * iptables call that changes rules is the line's rule, at its place in the line (a bare `iptables` or a listing named
 * in a sentence is not read).
 */
function inlineCommand(ll: LogicalLine, diags: RuleDiagnostic[]): LineResult | undefined {
  return firstRuleCommand(ll, inlineSpans(ll), diags);
}

function programCommand(ll: LogicalLine, diags: RuleDiagnostic[]): LineResult | undefined {
  return firstRuleCommand(ll, programCommands(ll.text), diags);
}

/** The tokens of each inline code span the line gives to be run, at their place in the line. */
function inlineSpans(ll: LogicalLine): Tok[][] {
  if (!ll.text.includes('`')) return [];
  return [...ll.text.matchAll(INLINE_CODE)].filter((m) => givenToRun(ll, m)).map((m) => {
    const base = (m.index ?? 0) + 1;
    return tokenize(m[1], true).toks.map((t) => ({ ...t, start: t.start + base, end: t.end + base }));
  });
}

/** The first of these token lists that is an iptables call iptables accepts and that changes rules. */
function firstRuleCommand(ll: LogicalLine, lists: Tok[][], diags: RuleDiagnostic[]): LineResult | undefined {
  for (const toks of lists) {
    const placeholders: RuleDiagnostic[] = [];
    const res = chooseCommand(ll, shellCommands(withoutRedirections(withPlaceholders(ll, toks, placeholders))), diags);
    // (one iptables would refuse, `alias block-ip='iptables … -j DROP -s'`, is a piece the text completes later: unsure, not read)
    if (!res || res.kind === 'other' || res.diagnostics.some((d) => d.severity === 'error')) continue;
    res.diagnostics.unshift(...placeholders);
    // the text around the code is prose: its apostrophes (`Docker's`) are no shell quotes
    const prose = diags.findIndex((d) => d.code === DIAG.unterminatedQuote);
    if (prose >= 0) diags.splice(prose, 1);
    return res;
  }
  return undefined;
}
