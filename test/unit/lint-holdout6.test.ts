/**
 * Holdout 6 (test/fixtures/lint/holdout6): rule sets people posted in issue threads, Q&A, blog posts, gists and docs
 * pages, with expectations written before the linter was run on them (docs/lint-holdout6.md). Checked for format and
 * independence from the earlier sets; the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(6, { sibling: 5, twice: 'author' });
