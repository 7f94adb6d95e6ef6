/**
 * Holdout 23 (test/fixtures/lint/holdout23): rule sets from public code — infrastructure-as-code and config managers,
 * Nix modules, WireGuard/VPN hosts, provisioning and bootstrap scripts, committed rules files — with expectations
 * written before the linter was run on them (docs/lint-holdout23.md). Checked for format and independence from the
 * earlier sets and from holdout 24 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(23, { sibling: 24 });
