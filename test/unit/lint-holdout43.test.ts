/**
 * Holdout 43 (test/fixtures/lint/holdout43): rule sets from personal and homelab infrastructure repositories —
 * dotfiles, bootstrap/setup scripts of one person's servers, NixOS configurations of home machines, homelab READMEs,
 * runbooks and design notes, VPS setup notes and personal blog posts committed in repos, home-server compose stacks with
 * their firewall scripts, committed rules.v4 / ufw after.rules files and -nvL listings — with expectations written before
 * the linter was run on them (docs/lint-holdout43.md). Checked for format and independence from the earlier sets and
 * from holdout 44 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(43, { sibling: 44, findingsShare: true });
