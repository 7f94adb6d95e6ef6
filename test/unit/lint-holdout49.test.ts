/**
 * Holdout 49 (test/fixtures/lint/holdout49): rule sets from issue and pull-request threads of projects other than
 * Docker itself (moby, docker/for-linux, docker/docs and docker/compose left out) — self-hosted apps and the tools run
 * next to Docker on the same host (PiVPN, RaspAP, ufw-docker, mailcow, kube-router, Prax, piVCCU, engintron/CSF and
 * more), where users paste iptables rules, scripts or `iptables -S` / `-nvL` / iptables-save output — with expectations
 * written before the linter was run on them (docs/lint-holdout49.md). Checked for format and independence from the
 * earlier sets and from holdout 48 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(49, { sibling: 48, findingsShare: true });
