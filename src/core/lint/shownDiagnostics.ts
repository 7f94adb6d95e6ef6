/**
 * Which diagnostics of a pass are shown, and how: the parse's errors on text that is not a rule set's (shell around the
 * rules, a sentence's apostrophe, an excerpt cut inside a quote, a quoted text's lines, a README's option list) are not
 * findings; a script's pieces of commands are said once; what iptables printed is not the user's error; an undeclared
 * jump another tool or a cut text explains is said, not flagged; a fix stays within its own command of a shared line.
 */
import type { LineResult } from '../iptables/parse';
import { continuedOnNextLine } from '../iptables/parse';
import type { FileKind, LintDiagnostic, TextEdit } from './types';
import { EXISTS_WHERE_TOOL_RUNS } from './toolChains';
import type { Pass } from './pass';
import { NESTED_SCRIPT, heredocOf, quotedRole } from './sections';

/**
 * Shell lines around the rules of a script (`set -e`, `echo`, `for …`) are not findings; nor is a script's `-D` of
 * a rule the text does not show or of a jump to a chain that is gone (scripts delete old copies, `2>/dev/null ||
 * true`); nor a COMMIT without `*table`
 * when the missing `*table` line was already reported.
 */
function keep(p: Pass, d: LintDiagnostic, noTable: boolean, multiLineQuotes: boolean): boolean {
  if (p.command && d.code === 'syntax/not-iptables') return false;
  if (multiLineQuotes && !quotedLineKeeps(quotedRole(p, d.span.line), d.code)) return false;
  // a quote left open on a line with no iptables call: a sentence's apostrophe (`libvirt's bridge`), an excerpt cut
  // inside a command, an `echo "*filter …` string,
  // or another language's string read as shell (Python's `'sh -c \'while …'` pieces, holdout 57). The linter judges
  // iptables calls; a line that makes none is not one of its findings. (Except a nested script's quote, `bash -c '`
  // that nothing closes: bash refuses the whole script, its rules included.)
  if (d.code === 'syntax/unterminated-quote' && noCall(p, d.span.line) && !NESTED_SCRIPT.test((p.lines[d.span.line] ?? '').slice(0, d.span.start))) return false;
  // `iptables -N X 2>/dev/null || true`: the script says the chain may already exist
  if (d.code === 'syntax/chain-exists' && /\|\|\s*(?:true\b|:(?!\S))/.test(p.lines[d.span.line] ?? '')) return false;
  // comments and the legacy-tables warning pasted with a listing (lint/legacy-tables says the latter)
  if (d.code === 'syntax/bad-list-line' && d.severity === 'info' && /^not part of the listing: (#|# Warning|Warning:)/.test(d.message)) return false;
  if (p.command && !p.pc.ctx?.filterRules && d.code === 'syntax/rule-not-found') return false;
  // the same for a `-D` of a jump to a chain that is gone (`iptables -D INPUT -j BANGI-INPUT 2>/dev/null || true` before
  // the chain is made again, holdout 51): the old jump the script removes, if it is there
  if (p.command && d.code === 'syntax/unknown-target' && p.results.some((r) => r.rule?.op === 'D' && r.rule.target?.span.line === d.span.line && r.rule.target.span.start === d.span.start)) return false;
  if (d.code === 'syntax/chain-exists' && declaredInAnotherFile(p, d)) return false;
  // a bare `iptables -X` on a Docker host: rules/wipes-docker on the same line says what it does to Docker's chains (holdout 44)
  if (d.code === 'syntax/chain-not-empty' && p.diags.some((x) => x.code === 'rules/wipes-docker' && x.span.line === d.span.line)) return false;
  return !(noTable && d.message === 'COMMIT without a *table section');
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

/** The pass's diagnostics as they are shown: kept (above), said once per fragment or snippet, read-only output said as info. */
export function shownDiagnostics(p: Pass, kind: FileKind): LintDiagnostic[] {
  const noTable = p.diags.some((d) => d.message.includes('outside a *table section'));
  // a quote that spans lines always leaves its first line unterminated: without one, no line needs the shell's reading
  const multiLineQuotes = p.diags.some((d) => d.code === 'syntax/unterminated-quote' && shellLine(p, d.span.line));
  const diags = p.diags.filter((d) => keep(p, d, noTable, multiLineQuotes));
  if (kind !== 'proposal') readOnlyOutput(diags);
  else if (p.command) saidOncePerFragment(p, diags);
  else notJudgedSpecs(diags);
  // (the whole-text scan for an excerpt only when an undeclared target asks, once)
  let cut: boolean | undefined;
  const isCut = () => (cut ??= diags.some((d) => d.code === 'lint/truncated') || excerpt(p));
  // (an error too: a restore file's undeclared `-j ufw-skip-to-policy-input` is ufw's after.rules, loaded after before.rules declares it)
  for (const d of diags) if (d.code === 'syntax/unknown-target' && (d.severity === 'warning' || toolChain(d))) assumedChain(d, isCut());
  for (const d of diags) if (d.code === 'syntax/unknown-target' && d.severity === 'error' && restoredBefore(p, d)) restoredChain(d);
  fixesWithinTheirCommand(p.results, diags);
  return diags;
}

/**
 * On a line that runs several commands (`iptables -A X …; iptables -A Y …`), a fix may only edit its own command: one
 * that deletes, moves or inserts lines (computed for the rule alone) would take the other commands with it.
 */
function fixesWithinTheirCommand(results: LineResult[], diags: LintDiagnostic[]): void {
  const shared = new Set(results.filter((r) => r.more).map((r) => r.line));
  if (!shared.size) return;
  for (const d of diags) {
    if (!shared.has(d.span.line) || !d.fixes.length) continue;
    const inside = (e: TextEdit) => e.range.start.line === d.span.line && e.range.end.line === d.span.line && e.range.start.character >= d.span.start && e.range.end.character <= d.span.end;
    d.fixes = d.fixes.filter((f) => f.edits.every(inside));
  }
}

/** A bare line that starts an iptables command (`-A CHAIN …`, `--insert`, `-t nat -A …`), as an -S listing prints them. */
// (`--check)`: a shell `case` label, not the option)
const BARE_COMMAND = /^\s*(?:-[AIDRNFXPZELSC]|--(?:append|insert|delete|replace|new-chain|flush|delete-chain|policy|zero|rename-chain|list|list-rules|check)|-t)(?=\s|$)/;

/**
 * In a script, a line of options with no command (`    -m conntrack … -j DROP` whose line above lost its `\`, a
 * generator's template) is a piece of a command, not a rule of its own: one info instead of an error per token.
 */
function saidOncePerFragment(p: Pass, diags: LintDiagnostic[]): void {
  // (`  - iptables …`: a YAML or Markdown list item holding a whole command, not a piece of one)
  // (the line above ending in `\` continues onto it: the command is whole, its errors are its own)
  const fragment = (line: number) => /^\s*-\S/.test(p.lines[line] ?? '') && !BARE_COMMAND.test(p.lines[line] ?? '') && !continuedOnNextLine(p.lines[line - 1] ?? '');
  const lines = new Set(diags.filter((d) => d.code.startsWith('syntax/') && d.severity !== 'info' && fragment(d.span.line)).map((d) => d.span.line));
  if (!lines.size) return;
  withoutSyntaxFindingsOn(diags, lines);
  for (const line of lines) {
    diags.push({ code: 'syntax/no-command', severity: 'info', message: 'options without an iptables command before them: a piece of a command (a lost `\\` continuation on the line above, or a template), not judged as a rule', span: { line, start: 0, end: 0 }, fixes: [] });
  }
}

/**
 * A line read as a rule specification without its chain (syntax/no-chain, info: not judged) is not judged for its
 * words either: a man page's or README's option list (`--net=host     Put the container in the host's network`,
 * holdout 46) is text, and a quoted rule specification's errors are the info's business.
 */
function notJudgedSpecs(diags: LintDiagnostic[]): void {
  const lines = new Set(diags.filter((d) => d.code === 'syntax/no-chain' && d.severity === 'info').map((d) => d.span.line));
  if (lines.size) withoutSyntaxFindingsOn(diags, lines);
}

/** Takes the syntax errors and warnings of these lines out of the list (their infos stay). */
function withoutSyntaxFindingsOn(diags: LintDiagnostic[], lines: Set<number>): void {
  const kept = diags.filter((d) => !(lines.has(d.span.line) && d.code.startsWith('syntax/') && d.severity !== 'info'));
  diags.splice(0, diags.length, ...kept);
}

/** The target a finding names (its first quoted word) is another tool's chain. */
function toolChain(d: LintDiagnostic): boolean {
  const name = /"([^"]+)"/.exec(d.message)?.[1];
  return name !== undefined && EXISTS_WHERE_TOOL_RUNS.test(name);
}

/**
 * An undeclared target that another tool's chain (`-j ufw-user-input`) or a cut dump (the declaration may be in the
 * part left out) explains is said, not flagged: iptables accepts the jump where that chain exists.
 */
function assumedChain(d: LintDiagnostic, cut: boolean): void {
  const tool = toolChain(d);
  if (!tool && !cut) return;
  d.severity = 'info';
  d.message = `${d.message} (${tool ? "another tool's chain, which exists where that tool runs" : 'the text is cut: it may be declared in the part left out'})`;
}

/** An `iptables-restore` command (`iptables-restore --noflush "${rules_file}"`, not in a comment). */
const RESTORE_COMMAND = /^[^#]*(?:^|[\s;&|(/])iptables-restore(?:-legacy|-nft)?(?=\s|$)/;

/**
 * A script's jump to a chain the text declares in a rules file (`:BANGI-INPUT -` in a here-document) that it loads
 * with iptables-restore before the jump (holdout 51, Bangi's apply script: `-X BANGI-INPUT`, the restore, then `-I INPUT
 * 1 -j BANGI-INPUT`): the restore creates the chain again, which the text's order of lines does not show.
 */
function restoredBefore(p: Pass, d: LintDiagnostic): boolean {
  const name = /"([^"]+)"/.exec(d.message)?.[1];
  if (!p.command || name === undefined || !p.text.includes('iptables-restore')) return false;
  const declared = p.results.some((r) => r.kind === 'chain' && r.chain === name);
  return declared && p.lines.slice(0, d.span.line).some((l) => RESTORE_COMMAND.test(l));
}

function restoredChain(d: LintDiagnostic): void {
  d.severity = 'info';
  d.message = `${d.message} in the order of this text's lines (the rules file the script loads with iptables-restore before this line declares it, so it exists when the jump runs)`;
}

/**
 * Rule lines of a dump pasted without any `*table`, `-P`, `:CHAIN` or `-N CHAIN` line (a grep'd `iptables-save -c`,
 * a few `-S` lines, holdout 24): an excerpt, whose chains are declared in the part not shown.
 */
function excerpt(p: Pass): boolean {
  if (p.command) return false;
  return !/^[ \t]*(?:\[\d+:\d+\][ \t]*)?(?:\*|:|-[NP][ \t])/m.test(p.text) || oneChainListing(p);
}

/**
 * `iptables -S FORWARD` output: one chain's policy and rules, no chain declared (holdout 46, a nova-network host): the
 * chains it jumps to are declared in the part of `-S` not shown.
 */
function oneChainListing(p: Pass): boolean {
  const chains = new Set<string>();
  for (const r of p.results) {
    if (r.kind === 'new-chain' || r.kind === 'chain') return false;
    if (r.format === 'S' && r.kind === 'rule' && r.rule) chains.add(r.rule.chain);
    if (r.format === 'S' && r.kind === 'policy' && r.chain) chains.add(r.chain);
  }
  return chains.size === 1;
}

/**
 * A dump or listing is what iptables printed: it parsed there, so a line this parser cannot read is the parser's
 * limit, not the user's mistake. Said as info (the line is not judged), never as an error on read-only output.
 */
function readOnlyOutput(diags: LintDiagnostic[]): void {
  for (const d of diags) {
    if (!d.code.startsWith('syntax/') || d.severity === 'info') continue;
    d.severity = 'info';
    d.message = `Not understood in this output (iptables printed it, so it is valid there): ${d.message}`;
  }
}

