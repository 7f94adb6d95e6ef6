/**
 * Holdout 17 (test/fixtures/lint/holdout17): rule sets from public code (provisioning and hardening scripts, Ansible
 * tasks, install guides, ufw after.rules blocks, iptables-save / -S texts committed in repositories) that the linter
 * was never tuned on, with expectations written and committed before the linter was run on them
 * (docs/lint-holdout17.md). Checked for format and independence from the earlier sets and from holdout 18 (same
 * round); the score is printed, never asserted (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(17, { sibling: 18 });
