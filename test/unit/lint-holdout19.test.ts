/**
 * Holdout 19 (test/fixtures/lint/holdout19): rule sets from blog posts, tutorials, runbooks, vendor and project docs
 * (found through the search corpora pages and docs and the code index), with expectations written before the linter
 * was run on them (docs/lint-holdout19.md). Checked for format and independence from the earlier sets and from
 * holdout 17 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one page may give two sets (e.g. a question's rules and an answer's), told apart by the author the source line names
holdoutTests(19, { sibling: 17, twice: 'author' });
