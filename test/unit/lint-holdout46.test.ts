/**
 * Holdout 46 (test/fixtures/lint/holdout46): rule sets from published web pages and forum threads — the `pages` and
 * `docs` stores (a Home Assistant community reply, blog posts, gists and pastes of `iptables -L`/`-nvL`/`-S`/save
 * listings from Docker hosts next to ufw, fail2ban, libvirt, nova-network and Kubernetes, node-cleanup scripts) — with
 * expectations written before the linter was run on them (docs/lint-holdout46.md). Checked for format and independence
 * from the earlier sets and from holdout 47 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(46, { sibling: 47, findingsShare: true });
