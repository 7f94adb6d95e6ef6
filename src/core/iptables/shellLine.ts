/**
 * Shell command lines around iptables calls: `sudo iptables …`, `$IPT …`, `docker exec c iptables …`,
 * `iptables -C X … || iptables -I X …`, `if ! iptables -C …; then iptables -A …; fi`, redirections, `|| true`.
 * The call that changes rules is the line's rule; other shell text is ignored (info), never an error.
 */
import type { RuleDiagnostic, TableName } from './model';
import { DIAG, mkDiag } from './codes';
import { spanOf, type LogicalLine } from './lines';
import type { Tok } from './tokenize';
import { lineResult, type LineResult, type LineState } from './lineResult';
import { parseArgs } from './ruleArgs';

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

/** Words that start or continue a shell compound command before the command itself (`if ! iptables -C …; then`). */
const SHELL_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time', 'fi', 'done', '}', ')']);
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

/** Options of the wrappers that take a value: `sudo -u root`, `doas -u root`, `env -u VAR`, `nsenter -t 1 -S 0 -G 0`. */
const WRAPPER_VALUE_OPTIONS = new Set(['-u', '--user', '-g', '--group', '-C', '--chdir', '-t', '--target', '-S', '--setuid', '-G', '--setgid']);

/** `sudo [opts] …`, `nsenter [opts] …`, `env [opts] …`, `ip netns exec NAME …`: the index after the wrapper and its options, else k. */
function wrapperEnd(cmd: Tok[], k: number): number {
  const w = cmd[k].text;
  if (w === 'ip') return cmd[k + 1]?.text === 'netns' && cmd[k + 2]?.text === 'exec' && k + 3 < cmd.length ? k + 4 : k;
  if (!WRAPPERS.has(w)) return k;
  let j = k + 1;
  while (j < cmd.length && cmd[j].text.startsWith('-') && cmd[j].text !== '--') j += WRAPPER_VALUE_OPTIONS.has(cmd[j].text) ? 2 : 1;
  return cmd[j]?.text === '--' ? j + 1 : j;
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
    const wrapped = Math.max(containerExec(cmd, k), wrapperEnd(cmd, k));
    if (wrapped > k) {
      k = wrapped;
      continue;
    }
    // options of a wrapper (`$SUDO -E iptables`), `VAR=value` before the command
    if ((k > first && t.text.startsWith('-')) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.text)) {
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
export function parseShellLine(ll: LogicalLine, toks: Tok[], state: LineState, table: TableName, diags: RuleDiagnostic[]): LineResult {
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
