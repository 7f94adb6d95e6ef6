/**
 * The text as the shell, firewalld and Salt run it: a wrapper function's call read as the rule it runs
 * (./shellFunctions.ts), a firewalld direct rule as the iptables command firewalld runs (./firewalldDirect.ts), a Salt
 * `cmd.run` state's name as its command.
 * Findings on a rewritten line point at the line as written.
 */
import type { LintDiagnostic, LintResult } from './types';
import type { Pass } from './pass';
import type { Expanded } from './shellFunctions';
import { expandWrappers } from './shellFunctions';
import { expandFirewalldDirect } from './firewalldDirect';
import { expandArgvLists } from './argvLists';

/** A Salt state's command function: its `- name:` argument is the command line it runs. */
const SALT_CMD = /^(\s*)cmd\.(?:run|wait)\s*:\s*$/;
const SALT_NAME = /^(\s*)- name:(\s+)(?=\S)/;

/**
 * Salt's `cmd.run:` / `- name: iptables -I DOCKER-USER …`: the name is the command (an Ansible task's `- name:` is
 * its title: only under a `cmd.run:` key is it read). The key is blanked, the command keeps its columns.
 */
export function expandSaltCommands(text: string): Expanded | undefined {
  if (!text.includes('cmd.') || !text.includes('- name:')) return undefined;
  const lines = text.split('\n');
  const rewritten = new Set<number>();
  let under: number | undefined;
  lines.forEach((line, i) => {
    const key = SALT_CMD.exec(line);
    if (key) under = key[1].length;
    else if (under !== undefined && line.trim() && (/^\s*/.exec(line)?.[0].length ?? 0) <= under) under = undefined;
    const name = under !== undefined ? SALT_NAME.exec(line) : null;
    if (!name) return;
    lines[i] = ' '.repeat(name[0].length) + line.slice(name[0].length);
    rewritten.add(i);
  });
  return rewritten.size ? { text: lines.join('\n'), rewritten, calls: new Set() } : undefined;
}

/** A YAML list item holding one quoted restore line: `- "-A BEFORE_DOCKER -j DROP"`, `- "*filter"`, `- ":X - [0:0]"`. */
const QUOTED_RESTORE_LINE = /^(\s*-\s+)(["'])((?:\*[a-z]+|:[\w-]+\s.*|-[AINPFXDR]\s.*|COMMIT))\2\s*$/;

/**
 * A restore file kept as a YAML list of quoted lines (an Ansible role's variables rendered into rules.v4): each item
 * is read as its line, at its columns; the YAML around it (keys, task names) is not part of the file and is blanked.
 * Only a text whose items hold rules (`-A`/`-I`) and no iptables command is read so.
 */
export function expandQuotedRestoreLines(text: string): Expanded | undefined {
  if (!/^\s*-\s+["']-[AI]\s/m.test(text) || /(?:^|\s)(?:sudo\s+)?(?:\S*\/)?ip6?tables\s+-/m.test(text)) return undefined;
  const lines = text.split('\n');
  const items = lines.map((l) => QUOTED_RESTORE_LINE.exec(l));
  if (items.filter(Boolean).length < 2) return undefined;
  const rewritten = new Set<number>();
  const out = lines.map((l, i) => {
    const m = items[i];
    rewritten.add(i);
    if (m) return ' '.repeat(m[1].length + 1) + m[3];
    return l.trim() === '' || l.trimStart().startsWith('#') ? l : '';
  });
  return { text: out.join('\n'), rewritten, calls: new Set() };
}

/** A Jinja statement or comment tag: `{% if x is defined %}`, `{% endfor %}`, `{# note #}`. */
const TEMPLATE_TAG = /\{%-?[^%]*?-?%\}|\{#[^#]*#\}/g;

/**
 * A Jinja template of a script (an Ansible role's `iptables.sh.j2`): its statement tags are the template's, not the
 * shell's. Each becomes blanks of its length, so a line holding only tags is blank and the words around them keep
 * their columns; `{{ value }}` stays an unknown word (holdout 28: 66 errors on one template).
 */
export function expandTemplateTags(text: string): Expanded | undefined {
  if (!text.includes('{%') && !text.includes('{#')) return undefined;
  const lines = text.split('\n');
  const rewritten = new Set<number>();
  lines.forEach((line, i) => {
    if (!line.includes('{%') && !line.includes('{#')) return;
    const blanked = line.replace(TEMPLATE_TAG, (tag) => ' '.repeat(tag.length));
    if (blanked === line) return;
    lines[i] = blanked;
    rewritten.add(i);
  });
  return rewritten.size ? { text: lines.join('\n'), rewritten, calls: new Set() } : undefined;
}

/** A quoted unit line `ExecStartPost=/sbin/iptables …` up to the string's end or its `\n`: the command's columns. */
const UNIT_LINE_IN_STRING = /(["'])(?:[^"']*?(?:\\n|\s))?Exec(?:Start(?:Pre|Post)?|Reload|Stop(?:Post)?)=[-+!@:]*((?:\/[\w.-]+)*\/?ip6?tables\s[^"'\\]*)/;

/**
 * A systemd unit line that a script writes into a service's unit or drop-in (`printf "[Service]\nExecStartPost=/sbin/
 * iptables -P FORWARD ACCEPT" | tee …/docker.service.d/10-iptables.conf`, `sed -i "13i ExecStartPost=…" …docker.service`,
 * holdout 39): the command runs each time that service starts. The line is read as that command, at its columns.
 */
export function expandUnitLinesInStrings(text: string): Expanded | undefined {
  if (!text.includes('Exec') || !text.includes('.service')) return undefined;
  const lines = text.split('\n');
  const rewritten = new Set<number>();
  lines.forEach((line, i) => {
    const m = line.includes('.service') ? UNIT_LINE_IN_STRING.exec(line) : null;
    if (!m) return;
    const start = (m.index ?? 0) + m[0].length - m[2].length;
    lines[i] = ' '.repeat(start) + m[2].trimEnd();
    rewritten.add(i);
  });
  return rewritten.size ? { text: lines.join('\n'), rewritten, calls: new Set() } : undefined;
}

/** Each reader in turn (templates, argv lists over several lines, quoted restore lines, unit lines in strings, Salt, firewalld, wrapper functions): the text as the linter reads it, each rewritten line read as what runs. */
export function readAsRun(original: string): Expanded | undefined {
  let out: Expanded | undefined;
  for (const read of [expandTemplateTags, expandArgvLists, expandQuotedRestoreLines, expandUnitLinesInStrings, expandSaltCommands, expandFirewalldDirect, expandWrappers]) {
    const next = read(out?.text ?? original);
    if (next) out = out ? { text: next.text, rewritten: new Set([...out.rewritten, ...next.rewritten]), calls: new Set([...out.calls, ...next.calls]) } : next;
  }
  return out;
}

/**
 * Findings on a line read through a wrapper function point at the whole call as written; fixes that would edit such a
 * line are not offered (they were computed on the rule the call runs, not on the text the user wrote).
 */
export function atCallSites(result: LintResult, wrapped: Expanded, original: string): LintResult {
  const lines = original.split('\n');
  const touches = (f: LintDiagnostic['fixes'][number]) => f.edits.some((e) => wrapped.rewritten.has(e.range.start.line) || wrapped.rewritten.has(e.range.end.line));
  const diagnostics = result.diagnostics.map((d) => {
    if (!wrapped.rewritten.has(d.span.line)) return d.fixes.some(touches) ? { ...d, fixes: d.fixes.filter((f) => !touches(f)) } : d;
    const t = lines[d.span.line] ?? '';
    const start = t.length - t.trimStart().length;
    return { ...d, span: { line: d.span.line, start, end: t.length }, fixes: [] };
  });
  return { ...result, diagnostics };
}

/** A line whose command follows a `case` pattern (`start) iptables …`) or sits in Markdown's inline code. */
const COMMAND_INSIDE_TEXT = /^\s*[^()\s'"]+\)\s|`/;

/**
 * A fix edits lines as commands: on a line where the command is part of other text (a `case` branch, a sentence's
 * inline code) an inserted or moved line would break the script or the page, so none is offered; the finding stays.
 */
export function noFixesAroundText(p: Pass, diags: LintDiagnostic[]): void {
  for (const d of diags) if (d.fixes.length && COMMAND_INSIDE_TEXT.test(p.lines[d.span.line] ?? '')) d.fixes = [];
}
