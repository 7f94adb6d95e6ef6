/**
 * Holdout 9 (test/fixtures/lint/holdout9): rule sets from public code (VPN gateways next to Docker, Terraform and
 * cloud-init rules files, tutorial sites, homelab and CI-runner scripts, saved rules files) that the linter was never
 * tuned on, with expectations written and committed before the linter was run on them (docs/lint-holdout9.md).
 * Checked for format and independence from the earlier sets and from holdout 10 (same round); the score is printed,
 * never asserted (./lint-holdout-checks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT9 = join(LINT, 'holdout9');
const sets = loadDir(HOLDOUT9);
/** The corpus, holdouts 1–8, and holdout 10 of this round (merged, or in its helper's worktree). */
const EARLIER = ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout5', 'holdout6', 'holdout7', 'holdout8', 'holdout10']
  .map((d) => join(LINT, d))
  .concat('/work/wt/holdout10/test/fixtures/lint/holdout10');

formatTests('holdout9', sets, { minimum: 30, minRestore: 6 });

test('holdout9: a third to a half of the sets expect a finding; the rest are traps for false positives', () => {
  const withFindings = sets.filter((s) => s.expect.length > 0).length;
  assert.ok(withFindings * 3 >= sets.length && withFindings * 2 <= sets.length + 2, `${withFindings} of ${sets.length} sets expect a finding`);
});

sourceTest('holdout9', HOLDOUT9, EARLIER);
scoreTest('holdout9', sets);
