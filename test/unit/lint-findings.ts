/**
 * The lint tests' view of a result: its findings (errors and warnings) as `LINE code`, 1-based, in the linter's order.
 * Not a *.test.ts file: the shape tests import it.
 */
import { lintRules } from '../../src/core/lint/engine';
import type { LintContext } from '../../src/core/lint/types';

export const findings = (text: string): string[] => lintRules(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);

/** Every diagnostic of a result, infos included, as `LINE severity code`. */
export const all = (text: string, ctx?: LintContext): string[] => lintRules(text, ctx).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`);
