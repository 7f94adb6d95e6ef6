/**
 * Holdout 22 (test/fixtures/lint/holdout22): rule sets from web pages, docs and guides — many of them non-English
 * blog posts and notes, documentation folders of public repositories, hosting docs and write-ups — with expectations
 * written before the linter was run on them (docs/lint-holdout22.md). Checked for format and independence from the
 * earlier sets and from holdouts 20 and 21 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one page may give two sets (a question's rules and an answer's), told apart by the author the source line names
holdoutTests(22, { sibling: 20, twice: 'author' });
