/**
 * Holdout 11 (test/fixtures/lint/holdout11): rule sets from public code (agent and devcontainer sandboxes, egress
 * allow lists, install and hardening scripts, Swarm notes, saved rules files and `-S` outputs) that the linter was
 * never tuned on, with expectations written and committed before the linter was run on them (docs/lint-holdout11.md).
 * Checked for format and independence from the earlier sets and from holdout 12 (same round); the score is printed,
 * never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(11, { sibling: 12, findingsShare: true });
