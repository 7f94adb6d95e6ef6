/**
 * Holdout 32 (test/fixtures/lint/holdout32): rule sets from web pages — blog posts and translated docs pages (English,
 * Chinese), GitHub gists and pastebin pastes rendered as pages, a project RFC page — on Docker and Swarm hosts:
 * DOCKER-USER and FORWARD rules, init scripts and systemd units that flush or restore the filter table, ufw + Docker
 * notes, and iptables-save / -L listings people pasted — with expectations written before the linter was run on them
 * (docs/lint-holdout32.md). Checked for format and independence from the earlier sets and from holdouts 31 and 33
 * (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(32, { sibling: 33, findingsShare: true });
