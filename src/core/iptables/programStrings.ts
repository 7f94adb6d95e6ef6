/**
 * iptables commands written inside another language's strings: a program that runs them
 * (`subprocess.run(["iptables", "-I", "DOCKER-USER", "-s", ip, "-j", "DROP"])`, `exec.Command("iptables", "-A", …)`,
 * `os.system(f"iptables -I DOCKER-USER -s {ip} -j DROP")`). The command is read with the values the program fills in
 * as unknown words (as a shell variable is). A string that is only part of a command (`"iptables … --dport " + port`),
 * a spread of arguments, or a command the program prints instead of running is not read.
 */
import { tokenize, type Tok } from './tokenize';
import { optionToken } from './optionTable';

/** The iptables binary as a program names it: `iptables`, `/sbin/ip6tables`, `iptables-legacy` (regex source). */
export const IPTABLES_BINARY = String.raw`(?:\/[\w/]*\/)?ip6?tables(?:-legacy|-nft)?`;
/** The binary, or `sudo` before it, as a list element: `"iptables",` / `'sudo',` (group 1: the quote). */
export const BINARY_ELEMENT = new RegExp(String.raw`(["'\`])(?:sudo|${IPTABLES_BINARY})\1\s*,`, 'g');
const BINARY = new RegExp(`^(?:sudo|${IPTABLES_BINARY})$`);
/** A quote, then the binary (after `sudo`): a string or list that may hold a command. */
const QUOTED_BINARY = new RegExp(String.raw`["'\`](?:sudo\s+)?${IPTABLES_BINARY}`);
/** A quote that opens a command string: the binary and a blank follow. */
const COMMAND_STRING = new RegExp(String.raw`["'\`](?=(?:sudo\s+)?${IPTABLES_BINARY}\s)`, 'g');
/** cloud-init's list form starts with the binary (after `sudo,`). */
const FLOW_BINARY = new RegExp(String.raw`^\s*(?:sudo\s*,\s*)?${IPTABLES_BINARY}\s*,`);
/** A string literal (double, single or back quotes, without the escapes of its quote): its content is group 2. */
const STRING = /(["'`])((?:\\.|(?!\1)[^\\])*)\1/y;
/** Words before the string that print or log the command instead of running it. */
const PRINTS = /\b(?:print|printf|println|echo|puts|log|logger|logging|warn|warning|info|debug|error|fatal|fmt\.\w+|console\.\w+|raise|throw|Exception|Error)\b/i;

/** A key whose value is text shown to a reader: an Ansible task's `name:`, a `msg:`, a `description =`. */
const TEXT_KEY = /\b(?:name|msg|message|description|desc|title|comment|help|label|summary|text|note|debug)["']?\s*[:=]\s*[[(]?$/i;

/**
 * A call without parentheses that runs its string: Chef's `command 'iptables …'`, `execute "…"`, Perl's `system "…"`,
 * an openQA test's `assert_script_run "…"` / `run_command "…"` (holdout 54).
 */
const RUNS = /(?:^|\s)(?:\w+_)?(?:command|execute|system|exec|run)$/;

/** The token lists of the iptables commands the line's strings hold (argv lists first, then command strings). */
export function programCommands(text: string): Tok[][] {
  const flow = yamlFlowList(text);
  if (flow) return [flow];
  if (!QUOTED_BINARY.test(text)) return [];
  const out: Tok[][] = [];
  let readTo = -1;
  for (const m of text.matchAll(BINARY_ELEMENT)) {
    // (`['sudo', 'iptables', …]`: the binary inside a list already read)
    if ((m.index ?? 0) < readTo) continue;
    const toks = argvList(text, m.index ?? 0);
    if (toks) out.push(toks);
    if (toks) readTo = toks[toks.length - 1].end;
  }
  if (out.length) return out;
  for (const m of text.matchAll(COMMAND_STRING)) {
    const toks = commandString(text, m.index ?? 0);
    if (toks) out.push(toks);
  }
  return out;
}

/** `"iptables", "-I", "DOCKER-USER", "-s", ip, "-j", "DROP"`: each element one word; an expression an unknown one. */
function argvList(text: string, from: number): Tok[] | undefined {
  if (PRINTS.test(text.slice(0, from)) || TEXT_KEY.test(text.slice(0, from).trimEnd())) return undefined;
  const toks: Tok[] = [];
  let i = from;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    STRING.lastIndex = i;
    const s = STRING.exec(text);
    if (s) {
      const content = s[2];
      toks.push({ text: content, start: i + 1, end: i + 1 + content.length, quoted: /\s/.test(content), op: false, opt: optionToken(content, 0, content.length) });
      i = STRING.lastIndex;
    } else {
      const e = /^[A-Za-z_][\w.]*(?:\([^()]*\))?(?:\[[^\]]*\])?/.exec(text.slice(i));
      // a spread (`*args`, `...args`) or an expression (`"x" + y`) hides how many words there are
      if (!e) return undefined;
      toks.push({ text: `$${e[0].replace(/\W/g, '_')}`, start: i, end: i + e[0].length, quoted: true, op: false, opt: undefined });
      i += e[0].length;
    }
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') {
      i++;
      continue;
    }
    // the list ends here: a whole command (a list carried onto the next line is not read)
    return text[i] === ')' || text[i] === ']' || text[i] === '}' ? withoutSudo(toks) : undefined;
  }
}

/** cloud-init's `runcmd: - [ iptables, -I, DOCKER-USER, -j, DROP ]`: a YAML list of plain words, one argument each. */
function yamlFlowList(text: string): Tok[] | undefined {
  const m = /^(\s*-\s*\[)([^\]"'`]*)\]\s*$/.exec(text);
  if (!m || !FLOW_BINARY.test(m[2])) return undefined;
  const toks: Tok[] = [];
  for (const w of m[2].matchAll(/[^,\s]+/g)) {
    const start = m[1].length + (w.index ?? 0);
    toks.push({ text: w[0], start, end: start + w[0].length, quoted: false, op: false, opt: optionToken(w[0], 0, w[0].length) });
  }
  return withoutSudo(toks);
}

function withoutSudo(toks: Tok[]): Tok[] | undefined {
  const rest = toks[0]?.text === 'sudo' ? toks.slice(1) : toks;
  return rest.length > 1 && BINARY.test(rest[0].text) && rest[0].text !== 'sudo' ? rest : undefined;
}

/**
 * `"iptables -I DOCKER-USER -s {ip} -j DROP"` (or `%s`, `#{ip}`, `${ip}`): the string's words at their places in the
 * line, each filled-in value an unknown word of the same length. Not read when the string is joined to more text
 * (`+`, `.`, a string written next to it) or printed.
 */
function commandString(text: string, at: number): Tok[] | undefined {
  STRING.lastIndex = at;
  const s = STRING.exec(text);
  if (!s || PRINTS.test(text.slice(0, at))) return undefined;
  const before = text.slice(0, at).replace(/[fFrRbBu]+$/, '').trimEnd();
  const after = text.slice(STRING.lastIndex).trimStart();
  // a program passes it on (a call's argument, an assigned value, a list item), not a shell command's argument
  // (`curl -c "…"`); a text field (`name: "…"`) or a prefix (`"iptables -I X 1 -t raw "`; not `"iptables …; "`, one of
  // the commands a program joins into one script) is not a command either
  // (a backquoted one after a colon is Markdown's inline code in a sentence: ./shellLine.ts judges it)
  // (one at the line's start is Markdown's too: a template literal is an argument or a value)
  const opens = s[1] === '`' ? /(?:[([{,=]|\breturn)$/ : /(?:^|[([{,=:]|=>|\breturn)$/;
  if (!(opens.test(before) || RUNS.test(before)) || TEXT_KEY.test(before) || /[^;\s]\s+$/.test(s[2])) return undefined;
  // (`.format(…)` fills the string in: it is whole)
  if (/^(?:\+|\.(?!(?:format|split)\b)|["'`])/.test(after)) return undefined;
  const filled = s[2].replace(/[#$]?\{[^{}]*\}|%(?:\([^)]*\))?[sdvqr]/g, (v) => `$${'_'.repeat(v.length - 1)}`);
  const base = at + 1;
  return tokenize(filled, true).toks.map((t) => ({ ...t, start: t.start + base, end: t.end + base }));
}
