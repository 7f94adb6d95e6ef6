/**
 * Holdout 20 (test/fixtures/lint/holdout20): rule sets from public code (Ansible templates and tasks, provisioning,
 * CI, VPN and Swarm bootstrap scripts, found through the code index), with expectations written before the linter was
 * run on them (docs/lint-holdout20.md). Checked for format and independence from the earlier sets and from holdout 21
 * (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(20, { sibling: 21 });
