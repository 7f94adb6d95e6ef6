/**
 * Holdout 7 (test/fixtures/lint/holdout7): rule sets from public code (provisioning and hardening scripts, Makefiles,
 * READMEs, saved dumps) that the linter was never tuned on, with expectations written and committed before the linter
 * was run on them (docs/lint-holdout7.md). Checked for format and independence from the earlier sets and from
 * holdout 8 (same round); the score is printed, never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(7, { sibling: 8, findingsShare: true });
