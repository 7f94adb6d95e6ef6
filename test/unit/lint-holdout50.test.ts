/**
 * Holdout 50 (test/fixtures/lint/holdout50): committed shell scripts, systemd units and drop-ins, entrypoints, Nix
 * modules and firewall scripts of Docker and Docker Swarm hosts (DOCKER-USER chains, INPUT/FORWARD rules, ufw
 * before/after.rules blocks, iptables-restore --noflush blocks), committed `iptables -S` audit listings, and a few
 * notes and READMEs of such hosts — with expectations written before the linter was run on them
 * (docs/lint-holdout50.md). Checked for format and independence from the earlier sets and from holdout 51 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(50, { sibling: 51, findingsShare: true });
