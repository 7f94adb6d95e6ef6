/**
 * Holdout 9 (test/fixtures/lint/holdout9): rule sets from public code (VPN gateways next to Docker, Terraform and
 * cloud-init rules files, tutorial sites, homelab and CI-runner scripts, saved rules files) that the linter was never
 * tuned on, with expectations written and committed before the linter was run on them (docs/lint-holdout9.md).
 * Checked for format and independence from the earlier sets and from holdout 10 (same round); the score is printed,
 * never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(9, { sibling: 10, findingsShare: true });
