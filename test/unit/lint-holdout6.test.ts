/**
 * Holdout 6 (test/fixtures/lint/holdout6): rule sets people posted in issue threads, Q&A, blog posts, gists and docs
 * pages, with expectations written before the linter was run on them (docs/lint-holdout6.md). Checked for format and
 * independence from the earlier sets; the score is printed (./lint-holdout-checks.ts).
 */
import { join } from 'node:path';
import { loadDir } from '../../scripts/lint-score';
import { LINT, formatTests, scoreTest, sourceTest } from './lint-holdout-checks';

const HOLDOUT6 = join(LINT, 'holdout6');
const sets = loadDir(HOLDOUT6);

formatTests('holdout6', sets, { minimum: 30, minRestore: 6 });
// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
sourceTest('holdout6', HOLDOUT6, ['real-world', 'holdout', 'holdout2', 'holdout3', 'holdout4', 'holdout5'].map((d) => join(LINT, d)), 'author');
scoreTest('holdout6', sets);
