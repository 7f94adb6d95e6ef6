/**
 * Holdout 10 (test/fixtures/lint/holdout10): rule sets people posted in issue threads, Q&A answers, forum-like
 * comments, pastes, gists and articles in several languages (found through the search corpora issues, pages and docs),
 * with expectations written before the linter was run on them (docs/lint-holdout10.md). Checked for format and
 * independence from the earlier sets and from holdout 9 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { join } from 'node:path';
import { loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT10 = join(LINT, 'holdout10');
const sets = loadDir(HOLDOUT10);
/** The corpus, holdouts 1–8, and holdout 9 of this round (merged, or in its helper's worktree). */
const EARLIER = ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout5', 'holdout6', 'holdout7', 'holdout8']
  .map((d) => join(LINT, d))
  .concat('/work/wt/holdout9/test/fixtures/lint/holdout9');

formatTests('holdout10', sets, { minimum: 30, minRestore: 6 });
// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
sourceTest('holdout10', HOLDOUT10, EARLIER, 'author');
scoreTest('holdout10', sets);
