/**
 * Holdout 62 (test/fixtures/lint/holdout62): shell scripts and texts committed in public repositories that set up or
 * harden Docker / Swarm hosts' firewalls — install.sh, setup.sh, bootstrap.sh, harden.sh, firewall.sh, iptables.sh,
 * rc.local, user-data scripts, Makefile targets and the guides around them — with their iptables / ip6tables
 * commands, the ufw or firewalld calls around them, and the rules files and listings they write or show, with
 * expectations written before the linter was run on them (docs/lint-holdout62.md). Checked for format and
 * independence from the earlier sets and from holdout 61 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(62, { sibling: 61, findingsShare: true });
