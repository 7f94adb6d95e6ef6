/** lint/*: what the linter could not see in the pasted text (information, not findings). */
import type { LintRule } from '../rule';
import { add, docLine, lineSpan, type Pass } from '../pass';

export const truncated: LintRule = {
  code: 'lint/truncated',
  severity: 'info',
  description: 'The text is incomplete: an iptables-save section without COMMIT, or a grep\'d fragment of a dump.',
  docs: 'Findings about rule order (never runs, missing ESTABLISHED) assume the text holds whole chains. A dump cut short or filtered with grep may hide rules that change the verdict; the linter says so instead of guessing. (Also reported when a lint run hit its time budget.)',
  check(p) {
    cutMidRule(p);
    if (p.unfinishedSection) {
      const last = Math.max(0, p.lines.length - 1);
      add(p, 'lint/truncated', 'info', `The *${p.unfinishedSection} section has no COMMIT: the dump looks cut short, later rules may be missing.`, lineSpan(last, docLine(p, last) ?? ''));
      return;
    }
    if (p.kind === 'listing' || p.command) return;
    const sLines = p.results.filter((r) => r.format === 'S' && r.kind !== 'blank');
    const declared = sLines.some((r) => r.kind === 'policy' || r.kind === 'new-chain');
    const dockerRules = sLines.filter((r) => r.rule && /^DOCKER/.test(r.rule.chain) && r.rule.chain !== 'DOCKER-USER');
    if (!declared && dockerRules.length > 0 && sLines.length > 1) {
      const first = dockerRules[0];
      add(p, 'lint/truncated', 'info', 'A fragment of `iptables -S` (no -P/-N lines: grep\'d or cut?): rules not shown may change what these do; whole-chain checks are limited to what is here.', lineSpan(first.line, docLine(p, first.line) ?? ''));
    }
  },
};

/** The text's last line with something on it (line 0 when none has), found from the end without splitting the text. */
function lastFilledLine(text: string): { line: number; text: string } {
  // (the start of the line that ends at `end`: lastIndexOf from -1 would look at index 0)
  const startOf = (end: number): number => (end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1);
  let end = text.length;
  let start = startOf(end);
  while (start > 0 && !text.slice(start, end).trim()) {
    end = start - 1;
    start = startOf(end);
  }
  let line = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < start; nl = text.indexOf('\n', nl + 1)) line++;
  return { line, text: text.slice(start, end) };
}

/**
 * The text ends inside a rule (`-A FILTERS -m state --state NEW -m tcp -`: a post or excerpt cut mid-line): that line's
 * syntax errors are the cut, not the writer's; said as such.
 */
function cutMidRule(p: Pass): void {
  const { line: last, text } = lastFilledLine(p.text);
  if (!/^\s*-[AI]\s.*\s--?\s*$/.test(text)) return;
  const errors = p.diags.filter((d) => d.span.line === last && d.code.startsWith('syntax/') && d.severity === 'error');
  if (!errors.length) return;
  p.diags = p.diags.filter((d) => !errors.includes(d));
  add(p, 'lint/truncated', 'info', 'The text ends inside this rule (cut after a lone `-`): its missing part is not judged.', lineSpan(last, text));
}

export const legacyTables: LintRule = {
  code: 'lint/legacy-tables',
  severity: 'info',
  description: 'The dump says `# Warning: iptables-legacy tables present`: some rules live in the other backend.',
  docs: 'iptables-nft prints this warning when the legacy (x_tables) backend also holds rules. Those rules are not in this dump but the kernel applies them too; dump them with `iptables-legacy-save`. Docker uses the backend its `iptables` binary selects.',
  check(p) {
    if (!p.text.includes('legacy tables present')) return;
    const at = p.lines.findIndex((l) => /iptables-legacy tables present/i.test(l));
    if (at >= 0) add(p, 'lint/legacy-tables', 'info', 'This host also has rules in iptables-legacy tables, which this dump does not show but the kernel applies as well: run `iptables-legacy-save` to see them.', lineSpan(at, docLine(p, at) ?? ''));
  },
};

export const listingNoCounters: LintRule = {
  code: 'lint/listing-no-counters',
  severity: 'info',
  description: 'An `-nL` listing without `-v`: no interface columns, so interface conditions are unknown.',
  docs: '`iptables -nL` omits the `in`/`out` columns: `-i docker0 -j RETURN` prints like an unconditional RETURN. The linter does not treat such rules as unconditional (no "never runs" findings based on them); use `iptables -nvL` or `iptables -S` for a complete picture.',
  check(p) {
    if (!p.noInterfaces) return;
    const at = Math.max(0, p.lines.findIndex((l) => /^\s*(num\s+)?target\s+prot\s+opt/.test(l)));
    add(p, 'lint/listing-no-counters', 'info', 'Listing without -v: it has no in/out interface columns, so interface conditions (e.g. `-i docker0`) are unknown and rules are not judged as unconditional. Use `iptables -nvL` or `iptables -S`.', lineSpan(at, docLine(p, at) ?? ''));
  },
};

export const tableInferred: LintRule = {
  code: 'lint/table-inferred',
  severity: 'info',
  description: 'The text has no `*table` line: its table was inferred from what it holds (e.g. `iptables -t nat -S`).',
  docs: '`iptables -t nat -S` prints nat rules without saying so. The linter infers the table from the builtin chains (`-P PREROUTING …`) and targets (DNAT, MASQUERADE, MARK) and says which it used; `swarmnet lint --table` sets it explicitly.',
  check(p) {
    if (!p.inferredTable) return;
    const at = Math.max(0, p.lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#')));
    add(p, 'lint/table-inferred', 'info', `Read as the ${p.inferredTable} table (no *${p.inferredTable} line; inferred from its chains and targets). Use --table to say otherwise.`, lineSpan(at, docLine(p, at) ?? ''));
  },
};
