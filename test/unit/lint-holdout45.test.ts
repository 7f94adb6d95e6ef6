/**
 * Holdout 45 (test/fixtures/lint/holdout45): rule sets from Docker Swarm clusters specifically — Swarm provisioning
 * (Terraform/cloud-init, Salt, Go/TypeScript/Python/Nix code of Swarm-based platforms, shell bootstrap), Swarm
 * troubleshooting threads with dumps and listings from Swarm nodes (moby, libnetwork, docs, TurnKey, FireHOL issues),
 * routing-mesh notes (ingress_sbox, DOCKER-INGRESS, docker_gwbridge) and fix notes — with expectations written before
 * the linter was run on them (docs/lint-holdout45.md). Checked for format and independence from the earlier sets and
 * from holdout 43 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// (the share of sets with a finding is not checked: 8 of 31, short of a third; the builder found the Swarm pool largely
// used up by holdouts 1–42 and did not upgrade a hesitant expectation to reach it: docs/lint-holdout45.md)
holdoutTests(45, { sibling: 43 });
