/**
 * Holdout 18 (test/fixtures/lint/holdout18): rule sets and dumps people posted in issue and pull-request threads
 * (found through the search corpora issues and code), with expectations written before the linter was run on them
 * (docs/lint-holdout18.md). Checked for format and independence from the earlier sets and from holdouts 17 and 19
 * (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(18, { sibling: 19, twice: 'author' });
