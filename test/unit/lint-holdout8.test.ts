/**
 * Holdout 8 (test/fixtures/lint/holdout8): rule sets people posted in issue and pull-request threads, gists, pastes,
 * blog posts and docs pages, with expectations written before the linter was run on them (docs/lint-holdout8.md).
 * Checked for format and independence from the earlier sets and from holdout 7 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(8, { sibling: 7, twice: 'author' });
