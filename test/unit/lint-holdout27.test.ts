/**
 * Holdout 27 (test/fixtures/lint/holdout27): rule sets from project documentation in public repositories — install and
 * deployment guides, runbooks, hardening and cluster docs, READMEs — with expectations written before the linter was
 * run on them (docs/lint-holdout27.md). Checked for format and independence from the earlier sets and from holdout 26
 * (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(27, { sibling: 26 });
