/**
 * Holdout 21 (test/fixtures/lint/holdout21): rule sets people posted in issue and pull-request threads of self-hosting
 * projects (and the repository files those threads change), with expectations written before the linter was run on
 * them (docs/lint-holdout21.md). Checked for format and independence from the earlier sets and from holdout 22 (same
 * round); the score is printed, never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(21, { sibling: 22, twice: 'author' });
