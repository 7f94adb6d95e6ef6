/**
 * Holdout 7 (test/fixtures/lint/holdout7): rule sets from public code (provisioning and hardening scripts, Makefiles,
 * READMEs, saved dumps) that the linter was never tuned on, with expectations written and committed before the linter
 * was run on them (docs/lint-holdout7.md). Checked for format and independence from the earlier sets and from
 * holdout 8 (same round); the score is printed, never asserted (./lint-holdout-checks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT7 = join(LINT, 'holdout7');
const sets = loadDir(HOLDOUT7);
/** The corpus, holdouts 1–6, and holdout 8 of this round (merged, or in its helper's worktree). */
const EARLIER = ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout5', 'holdout6', 'holdout8']
  .map((d) => join(LINT, d))
  .concat('/work/wt/holdout8/test/fixtures/lint/holdout8');

formatTests('holdout7', sets, { minimum: 30, minRestore: 6 });

test('holdout7: a third to a half of the sets expect a finding; the rest are traps for false positives', () => {
  const withFindings = sets.filter((s) => s.expect.length > 0).length;
  assert.ok(withFindings * 3 >= sets.length && withFindings * 2 <= sets.length + 2, `${withFindings} of ${sets.length} sets expect a finding`);
});

sourceTest('holdout7', HOLDOUT7, EARLIER);
scoreTest('holdout7', sets);
