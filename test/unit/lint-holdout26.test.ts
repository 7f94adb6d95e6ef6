/**
 * Holdout 26 (test/fixtures/lint/holdout26): rule sets from public code — VPN and WireGuard hosts next to Docker,
 * K3s beside Docker, router and homelab scripts, mail stacks, self-hosting helpers, committed rules.v4 files and
 * iptables-save listings — with expectations written before the linter was run on them (docs/lint-holdout26.md).
 * Checked for format and independence from the earlier sets and from holdout 27 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(26, { sibling: 27 });
