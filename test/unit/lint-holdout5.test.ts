/**
 * Holdout 5 (test/fixtures/lint/holdout5): published rule sets from public code the linter was never tuned on, with
 * expectations written and committed before the linter was run on them (docs/lint-holdout.md, "Holdout 5"). Checked
 * for format and independence from the earlier sets; the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(5, { sibling: 6, findingsShare: true });
