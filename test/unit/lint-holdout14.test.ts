/**
 * Holdout 14 (test/fixtures/lint/holdout14): rule sets people posted in issue and pull-request threads, Q&A answers,
 * blog posts and vendor docs (found through the search corpora issues, pages and docs), with expectations written
 * before the linter was run on them (docs/lint-holdout14.md). Checked for format and independence from the earlier
 * sets and from holdout 13 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(14, { sibling: 13, twice: 'author' });
