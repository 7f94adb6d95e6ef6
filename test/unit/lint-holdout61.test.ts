/**
 * Holdout 61 (test/fixtures/lint/holdout61): blog posts, tutorials, guides and notes (2018–2026) about securing the
 * firewall of Docker or Swarm hosts — DOCKER-USER, ufw with Docker, firewalld with Docker, published ports, Swarm
 * ports — and the copies of them kept in repositories (Markdown guides, course notes, cheat sheets, the scripts and
 * listings they publish), with expectations written before the linter was run on them (docs/lint-holdout61.md).
 * Checked for format and independence from the earlier sets and from holdout 62 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(61, { sibling: 62, findingsShare: true });
