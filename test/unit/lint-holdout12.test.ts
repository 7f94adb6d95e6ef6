/**
 * Holdout 12 (test/fixtures/lint/holdout12): rule sets people posted in issue and pull-request threads, gists,
 * pastes and articles (found through the search corpora issues, pages and docs), with expectations written before
 * the linter was run on them (docs/lint-holdout12.md). Checked for format and independence from the earlier sets and
 * from holdout 11 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(12, { sibling: 11, twice: 'author' });
