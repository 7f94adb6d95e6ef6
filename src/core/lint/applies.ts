/**
 * The rule lines each check can report on (LintRule.appliesTo), asked once per line and node context. The answers
 * live on the line's DocRule, which the engine's line cache keeps from run to run: a one-line edit of a 5,000-rule
 * file asks again for the changed line only, and a check walks its few lines instead of every rule of the file.
 */
import type { PreparedContext } from './context';
import type { LintRule } from './rule';
import type { DocRule } from './pass';
import type { Rule } from '../iptables/model';
import type { RuleFacts } from './facts';
import { LINT_RULES } from './rules/index';

/** The checks that say which lines they apply to, in registry order: bit i of a line's mask is the i-th one's answer. */
const FILTERED = LINT_RULES.filter((r) => r.appliesTo !== undefined);

/** Which checks apply to a rule line under a node context (its DocRule keeps the answer). */
export function appliesOf(rule: Rule, f: RuleFacts, pc: PreparedContext): { pc: PreparedContext; mask: number } {
  let mask = 0;
  for (let i = 0; i < FILTERED.length; i++) if (FILTERED[i].appliesTo?.(rule, f, pc)) mask |= 1 << i;
  return { pc, mask };
}

/**
 * For each check with appliesTo, the document's rule lines (in order) it applies to. `everyLine`: each check is
 * given every line instead (what the checks report must not change: test/unit/lint-applies.test.ts).
 */
export function rulesPerCheck(doc: readonly DocRule[], pc: PreparedContext, everyLine = false): Map<LintRule, readonly DocRule[]> {
  if (everyLine) return new Map(FILTERED.map((check) => [check, doc]));
  const lists = FILTERED.map((): DocRule[] => []);
  for (const d of doc) {
    if (d.applies?.pc !== pc) d.applies = appliesOf(d.rule, d.f, pc);
    for (let mask = d.applies.mask, i = 0; mask !== 0; mask >>>= 1, i++) if (mask & 1) lists[i].push(d);
  }
  return new Map(FILTERED.map((check, i) => [check, lists[i]]));
}
