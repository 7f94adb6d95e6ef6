/**
 * Holdout 34 (test/fixtures/lint/holdout34): rule sets from public code — programs that build iptables commands
 * (Python, Go, Rust, C, TypeScript, Nix) and shell scripts on Docker / Swarm hosts (VPN and WireGuard hosts, CI and
 * agent sandboxes, homelab and VPS hardening, panel helpers), plus iptables-save / -S listings — with expectations
 * written before the linter was run on them (docs/lint-holdout30.md). Checked for format and independence from the
 * earlier sets and from holdouts 28 and 29 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(34, { sibling: 35, findingsShare: true });
