/**
 * Holdout 57 (test/fixtures/lint/holdout57): iptables in committed configuration and provisioning code for Docker /
 * Swarm hosts — Ansible roles and tasks, Salt / Puppet / Chef, cloud-init user-data, Terraform / Packer templates,
 * Vagrant provisioners, container entrypoints and init scripts, systemd units, Makefiles, CI jobs, NixOS
 * `extraCommands`, programs (Go / Python / Node) that run iptables on Docker hosts, and the iptables-save / rules.v4
 * files committed with them — with expectations written before the linter was run on them (docs/lint-holdout57.md).
 * Checked for format and independence from the earlier sets and from holdout 56 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(57, { sibling: 56, findingsShare: true });
