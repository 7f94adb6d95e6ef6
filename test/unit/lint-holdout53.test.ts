/**
 * Holdout 53 (test/fixtures/lint/holdout53): rule sets from GitHub issues, discussions and pull-request threads of
 * self-hosted application projects — mail servers (mailcow, Mailu, docker-mailserver), reverse proxies and PaaS,
 * VPN and network containers, DNS filters, CI and home-server stacks — where users paste the iptables commands,
 * scripts and `-L`/`-S` listings they used with Docker, and maintainers answer with rules (plus files those threads
 * point to), with expectations written before the linter was run on them (docs/lint-holdout53.md). Checked for
 * format and independence from the earlier sets and from holdout 52 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(53, { sibling: 52, partial: { sets: 22 } });
