/**
 * Holdout 51 (test/fixtures/lint/holdout51): rule sets from configuration management and provisioning code in public
 * GitHub repositories that writes Docker/Swarm firewall rules — Ansible role templates (rules.v4.j2), Chef recipes,
 * NixOS `networking.firewall.extraCommands`, cloud-init user data, first-boot and node provisioning scripts, systemd
 * helper scripts, Swarm cluster rule files and setup READMEs/docs of Docker platforms — with expectations written
 * before the linter was run on them (docs/lint-holdout51.md). Checked for format and independence from the earlier
 * sets and from holdout 50 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(51, { sibling: 50, findingsShare: true });
