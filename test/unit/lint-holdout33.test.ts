/**
 * Holdout 33 (test/fixtures/lint/holdout33): rule sets from public repositories' committed files of kinds earlier
 * rounds used little — provisioning scripts (Vagrant, cloud user-data, installers), NixOS and dotfiles configs, test
 * fixtures and test harnesses of firewall and container tools, course and deployment notes — plus committed iptables
 * dumps and listings (`iptables-save`, `iptables -S`, `iptables -nvL` captured in docs, notes and reports, Docker's and
 * ufw's own rules mixed with the user's) — with expectations written before the linter was run on them
 * (docs/lint-holdout33.md). Checked for format and independence from the earlier sets and from holdout 32 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(33, { sibling: 32, findingsShare: true });
