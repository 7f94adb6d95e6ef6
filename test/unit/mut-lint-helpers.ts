/**
 * Helpers for the per-rule lint tests (test/unit/mut-lint-*.test.ts): one finding of a code, its fixes before the
 * safety check (the rule's own output) and after it (what the user is offered), and a fix judged by what it leaves:
 * the exact text after the edits, and no finding with that code left on the rule's line.
 */
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { applyEdits } from '../../src/core/lint/edits';
import type { LintContext, LintDiagnostic } from '../../src/core/lint/types';

/** Findings of one code, fixes as the rule made them (no safety check). */
export function raw(text: string, code: string, ctx?: LintContext): LintDiagnostic[] {
  return lintRules(text, ctx, { checkFixes: false }).diagnostics.filter((d) => d.code === code);
}

/** Findings of one code, with the fixes the user is offered (safety-checked). */
export function offered(text: string, code: string, ctx?: LintContext): LintDiagnostic[] {
  return lintRules(text, ctx).diagnostics.filter((d) => d.code === code);
}

/** `line:start-end` (1-based line) of each finding: compact for deepEqual. */
export function at(ds: LintDiagnostic[]): string[] {
  return ds.map((d) => `${d.span.line + 1}:${d.span.start}-${d.span.end}`);
}

/** The one finding of a code (fails with what was found otherwise). */
export function one(text: string, code: string, ctx?: LintContext): LintDiagnostic {
  const ds = raw(text, code, ctx);
  assert.equal(ds.length, 1, `expected one ${code}, got ${JSON.stringify(lintRules(text, ctx, { checkFixes: false }).diagnostics, null, 1)}`);
  return ds[0];
}

/**
 * Applies a fix and checks it: the text after it is exactly `expected` (so the rest of the file is unchanged), and
 * no finding with the code is left on the line that holds `ruleText` after the fix (the rule followed to its line).
 */
export function assertFix(text: string, d: LintDiagnostic, fixIndex: number, expected: string, ctx?: LintContext, ruleText?: string): void {
  const fix = d.fixes[fixIndex];
  assert.ok(fix, `${d.code} has no fix #${fixIndex}`);
  const fixed = applyEdits(text, fix.edits);
  assert.equal(fixed, expected);
  const wanted = ruleText ?? text.split('\n')[d.span.line];
  const line = fixed.split('\n').indexOf(wanted);
  const left = lintRules(fixed, ctx).diagnostics.filter((x) => x.code === d.code && (line < 0 || x.span.line === line));
  assert.deepEqual(left.map((x) => `${x.span.line + 1}: ${x.message}`), [], `${d.code} still reported after the fix`);
}
