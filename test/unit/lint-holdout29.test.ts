/**
 * Holdout 29 (test/fixtures/lint/holdout29): rule sets from project documentation in public repositories — tutorials,
 * course notes, runbooks, hardening and deployment guides, blog sources, wiki pages, in several languages — kept with
 * the prose around the rules (only code fences and quote markers removed), with expectations written before the
 * linter was run on them (docs/lint-holdout29.md). Checked for format and independence from the earlier sets and from
 * holdout 28 (same round; holdout 30 was checked by hand); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(29, { sibling: 28 });
