/**
 * Which diagnostics of a pass are shown: the parse's errors on text that is not a rule set's (shell around the rules,
 * a sentence's apostrophe, an excerpt cut inside a quote, a quoted text's lines) are not findings.
 */
import type { LintDiagnostic } from './types';
import type { Pass } from './pass';
import { NESTED_SCRIPT, heredocOf, quotedRole } from './sections';

/**
 * Shell lines around the rules of a script (`set -e`, `echo`, `for …`) are not findings; nor is a script's `-D` of
 * a rule the text does not show (scripts delete old copies, `2>/dev/null || true`); nor a COMMIT without `*table`
 * when the missing `*table` line was already reported.
 */
export function keep(p: Pass, d: LintDiagnostic, noTable: boolean, multiLineQuotes: boolean): boolean {
  if (p.command && d.code === 'syntax/not-iptables') return false;
  if (multiLineQuotes && !quotedLineKeeps(quotedRole(p, d.span.line), d.code)) return false;
  // an apostrophe in a sentence (`libvirt's bridge`) on a line that holds no iptables call: text, not a broken command
  if (d.code === 'syntax/unterminated-quote' && apostrophe(p, d) && noCall(p, d.span.line)) return false;
  // a quote left open on a line with no iptables call, that nothing after it closes (an excerpt cut inside a command or
  // an `echo "*filter …` string): the text ends inside it, as its writer cut it
  if (d.code === 'syntax/unterminated-quote' && noCall(p, d.span.line) && endsInside(p, d)) return false;
  // `iptables -N X 2>/dev/null || true`: the script says the chain may already exist
  if (d.code === 'syntax/chain-exists' && /\|\|\s*(?:true\b|:(?!\S))/.test(p.lines[d.span.line] ?? '')) return false;
  // comments and the legacy-tables warning pasted with a listing (lint/legacy-tables says the latter)
  if (d.code === 'syntax/bad-list-line' && d.severity === 'info' && /^not part of the listing: (#|# Warning|Warning:)/.test(d.message)) return false;
  if (p.command && !p.pc.ctx?.filterRules && d.code === 'syntax/rule-not-found') return false;
  if (d.code === 'syntax/chain-exists' && declaredInAnotherFile(p, d)) return false;
  // a bare `iptables -X` on a Docker host: rules/wipes-docker on the same line says what it does to Docker's chains (holdout 44)
  if (d.code === 'syntax/chain-not-empty' && p.diags.some((x) => x.code === 'rules/wipes-docker' && x.span.line === d.span.line)) return false;
  return !(noTable && d.message === 'COMMIT without a *table section');
}

/** The quote is written against a word (`libvirt's`, `won't`, `clouddrive2's`, `` `-i eth0`'s ``): an apostrophe, as a sentence has them. */
function apostrophe(p: Pass, d: LintDiagnostic): boolean {
  return /[\p{L}\p{N}`)]/u.test(p.lines[d.span.line]?.[d.span.start - 1] ?? '');
}

/**
 * The quote the diagnostic points at is the text's last of its kind: the text ends inside the string it opens. (Not
 * a nested script's, `bash -c '` never closed: bash refuses that script.)
 */
function endsInside(p: Pass, d: LintDiagnostic): boolean {
  const line = p.lines[d.span.line] ?? '';
  const q = line[d.span.start];
  if ((q !== '"' && q !== "'") || NESTED_SCRIPT.test(line.slice(0, d.span.start))) return false;
  return !p.lines.slice(d.span.line).join('\n').slice(d.span.start + 1).includes(q);
}

/** The line was read as shell and no iptables call was found on it. */
function noCall(p: Pass, line: number): boolean {
  return p.results.some((r) => r.line === line && r.format === 'command' && r.diagnostics.some((x) => x.code === 'syntax/not-iptables'));
}

/** `:CHAIN` declared again in another here-document body than the first time: each body is a file of its own, loaded on its own. */
function declaredInAnotherFile(p: Pass, d: LintDiagnostic): boolean {
  const first = /\(first on line (\d+)\)$/.exec(d.message);
  return !!first && heredocOf(p, Number(first[1]) - 1) !== heredocOf(p, d.span.line);
}

/** The line was read as a shell command line (not a restore or listing line, where a quote cannot span lines). */
export function shellLine(p: Pass, line: number): boolean {
  return p.results.some((r) => r.line === line && r.format === 'command');
}

/**
 * A quote the shell closes on a later line (`bash -c '` … `'`, `patch="…"`, a multi-line `echo "…"`): the line opening it
 * is not unterminated, the closing line is the tail of that command, and the lines of a quoted text are not commands.
 * The lines of a quoted script (`bash -c '…'`) are commands, those of an assigned value file content (as a
 * here-document's): both keep their findings.
 */
function quotedLineKeeps(role: ReturnType<typeof quotedRole>, code: string): boolean {
  if (role === 'opens') return code !== 'syntax/unterminated-quote';
  if (role === 'closes') return !code.startsWith('syntax/');
  return role !== 'inside-text';
}
