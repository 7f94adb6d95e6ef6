/**
 * The lint HOLDOUTS 1–4 (test/fixtures/lint/holdout, holdout2, holdout3, holdout4): published rule sets the linter was
 * not tuned on when they were measured, with expectations written before the linter was run on them
 * (docs/lint-holdout.md). Checked for format and independence from the earlier sets; the scores are printed
 * (./lint-holdout-checks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDOUT, HOLDOUT2, loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT3 = join(LINT, 'holdout3');
const HOLDOUT4 = join(LINT, 'holdout4');
const REAL_WORLD = join(LINT, 'real-world');

for (const [label, dir, minimum] of [['holdout', HOLDOUT, 15], ['holdout2', HOLDOUT2, 25], ['holdout3', HOLDOUT3, 40], ['holdout4', HOLDOUT4, 40]] as const) {
  const sets = loadDir(dir);
  formatTests(label, sets, { minimum, minRestore: 1 });
  scoreTest(label, sets);
}

sourceTest('holdout2', HOLDOUT2, [REAL_WORLD, HOLDOUT]);
// holdout 3 took two sets from one source where it published both forms (commands and a save file)
sourceTest('holdout3', HOLDOUT3, [REAL_WORLD, HOLDOUT, HOLDOUT2], 'form');
sourceTest('holdout4', HOLDOUT4, [REAL_WORLD, HOLDOUT, HOLDOUT2, HOLDOUT3]);

test('holdouts 2–4 keep their node contexts beside them', () => {
  for (const dir of [HOLDOUT2, HOLDOUT3, HOLDOUT4]) assert.ok(existsSync(join(dir, 'contexts')), dir);
});
