/**
 * Holdout 13 (test/fixtures/lint/holdout13): rule sets from public code (Ansible role READMEs, ufw after.rules blocks
 * written by bootstrap scripts, DOCKER-USER allow lists, restore templates, iptables-save / -S listings, hand-made
 * copies of Docker's own chains) that the linter was never tuned on, with expectations written and committed before
 * the linter was run on them (docs/lint-holdout13.md). Checked for format and independence from the earlier sets and
 * from holdout 14 (same round); the score is printed, never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(13, { sibling: 14, findingsShare: true });
