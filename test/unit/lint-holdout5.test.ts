/**
 * Holdout 5 (test/fixtures/lint/holdout5): published rule sets from public code the linter was never tuned on, with
 * expectations written and committed before the linter was run on them (docs/lint-holdout.md, "Holdout 5"). Checked
 * for format and independence from the earlier sets; the score is printed (./lint-holdout-checks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REAL_WORLD, loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT5 = join(LINT, 'holdout5');
const sets = loadDir(HOLDOUT5);

formatTests('holdout5', sets, { minimum: 30, minRestore: 6 });

test('holdout5: a third to a half of the sets expect a finding; the rest are traps for false positives', () => {
  const withFindings = sets.filter((s) => s.expect.length > 0).length;
  assert.ok(withFindings * 3 >= sets.length && withFindings * 2 <= sets.length + 2, `${withFindings} of ${sets.length} sets expect a finding`);
});

sourceTest('holdout5', HOLDOUT5, [REAL_WORLD, ...['holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout6'].map((d) => join(LINT, d))]);
scoreTest('holdout5', sets);
