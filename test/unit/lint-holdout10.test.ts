/**
 * Holdout 10 (test/fixtures/lint/holdout10): rule sets people posted in issue threads, Q&A answers, forum-like
 * comments, pastes, gists and articles in several languages (found through the search corpora issues, pages and docs),
 * with expectations written before the linter was run on them (docs/lint-holdout10.md). Checked for format and
 * independence from the earlier sets and from holdout 9 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the asker's rules and an answer's), told apart by the author the source line names
holdoutTests(10, { sibling: 9, twice: 'author' });
