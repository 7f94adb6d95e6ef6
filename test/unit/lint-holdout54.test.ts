/**
 * Holdout 54 (test/fixtures/lint/holdout54): rule sets from the Docker 28 / 29 era — texts and committed files of
 * 2025–2026 about Docker Engine 28.x / 29.x firewalling: the new chains (DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT,
 * DOCKER-INTERNAL), the DOCKER-USER RETURN dropped in 28.2.2, ip6tables on by default, the firewalld / nftables
 * backends, gateway modes (nat-unprotected, routed), and the repair scripts, DOCKER-USER scripts, ufw/firewalld setups,
 * iptables-save dumps and `-nvL` / `-S` listings people published around them — with expectations written before the
 * linter was run on them (docs/lint-holdout54.md). Checked for format and independence from the earlier sets and from
 * holdout 55 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(54, { sibling: 55, findingsShare: true });
