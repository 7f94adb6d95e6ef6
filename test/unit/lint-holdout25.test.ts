/**
 * Holdout 25 (test/fixtures/lint/holdout25): rule sets from web pages and docs (wikis, blog posts, vendor guides,
 * gists and pastes found through the search corpora pages and docs), with expectations written before the linter was
 * run on them (docs/lint-holdout25.md). Checked for format and independence from the earlier sets and from holdouts 23
 * and 24 (same round; only one sibling is checked here, holdout 24 was checked by hand); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(25, { sibling: 23 });
