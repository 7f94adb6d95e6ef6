/**
 * The text as the shell and firewalld run it: a wrapper function's call read as the rule it runs
 * (./shellFunctions.ts), a firewalld direct rule as the iptables command firewalld runs (./firewalldDirect.ts).
 * Findings on a rewritten line point at the line as written.
 */
import type { LintDiagnostic, LintResult } from './types';
import type { Expanded } from './shellFunctions';
import { expandWrappers } from './shellFunctions';
import { expandFirewalldDirect } from './firewalldDirect';

/** ./firewalldDirect.ts, then ./shellFunctions.ts: the text as the linter reads it, each rewritten line read as what runs. */
export function readAsRun(original: string): Expanded | undefined {
  const direct = expandFirewalldDirect(original);
  const fns = expandWrappers(direct?.text ?? original);
  if (!direct || !fns) return fns ?? direct;
  return { text: fns.text, rewritten: new Set([...direct.rewritten, ...fns.rewritten]), calls: fns.calls };
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
