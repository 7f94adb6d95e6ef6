/**
 * Holdout 40 (test/fixtures/lint/holdout40): rule sets from texts of the Docker 28 / 29 era (2025–2026) — issue
 * threads, docs and notes, incident write-ups, scripts and listings that deal with Docker 28's new chains
 * (DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT, DOCKER-INTERNAL), its raw-table drops against direct routing,
 * `ip-forward-no-drop` / `allow-direct-routing`, gateway modes, Docker 29's nftables backend and firewalld's docker zone
 * — with expectations written before the linter was run on them (docs/lint-holdout40.md). Checked for format and
 * independence from the earlier sets and from holdout 41 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(40, { sibling: 41, findingsShare: true });
