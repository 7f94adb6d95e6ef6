/**
 * Holdout 55 (test/fixtures/lint/holdout55): rule sets about Swarm nodes and overlay networks — firewall scripts,
 * provisioning code (Ansible, Terraform, cloud-init, shell), docs, guides, forum and issue threads, and iptables-save
 * dumps / `-nvL` listings of Docker Swarm clusters (2377/tcp, 7946/tcp+udp, 4789/udp or a custom data-path port, ESP
 * for encrypted overlays, the ingress routing mesh, host-mode vs ingress publishing, DOCKER-USER on Swarm nodes,
 * ufw/firewalld on Swarm nodes, dumps taken in task / ingress_sbox / lb_ namespaces) — with expectations written
 * before the linter was run on them (docs/lint-holdout55.md). Checked for format and independence from the earlier
 * sets and from holdout 54 (same round); the score is printed (./lint-holdout-checks.ts). Partial: 19 sets (the pool
 * was exhausted by earlier rounds; see the doc).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(55, { sibling: 54, partial: { sets: 19 } });
