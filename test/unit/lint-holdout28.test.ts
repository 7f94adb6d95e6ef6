/**
 * Holdout 28 (test/fixtures/lint/holdout28): rule sets from configuration management and provisioning of Docker /
 * Swarm hosts — cloud-init and Terraform user-data, systemd units, Ansible files and templates (rules.v4), NixOS
 * modules, Packer and bootstrap scripts — with expectations written before the linter was run on them
 * (docs/lint-holdout28.md). Checked for format and independence from the earlier sets and from holdout 29 (same round;
 * holdouts 29 and 30 check against this one); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(28, { sibling: 29, findingsShare: true });
