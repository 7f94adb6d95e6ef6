/**
 * Holdout 8 (test/fixtures/lint/holdout8): rule sets people posted in issue and pull-request threads, gists, pastes,
 * blog posts and docs pages, with expectations written before the linter was run on them (docs/lint-holdout8.md).
 * Checked for format and independence from the earlier sets and from holdout 7 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { join } from 'node:path';
import { loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT8 = join(LINT, 'holdout8');
const sets = loadDir(HOLDOUT8);
/** The corpus, holdouts 1–6, and holdout 7 of this round (merged, or in its helper's worktree). */
const EARLIER = ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout5', 'holdout6', 'holdout7']
  .map((d) => join(LINT, d))
  .concat('/work/wt/holdout7/test/fixtures/lint/holdout7');

formatTests('holdout8', sets, { minimum: 30, minRestore: 6 });
// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
sourceTest('holdout8', HOLDOUT8, EARLIER, 'author');
scoreTest('holdout8', sets);
