/**
 * Holdout 31 (test/fixtures/lint/holdout31): rule sets people pasted in GitHub issue and pull-request threads of
 * projects whose users run Docker or Swarm (moby, docker/for-linux, docker/compose, ufw-docker, reverse proxies, VPN
 * and mesh tools, panels, NAS and homelab projects, k3s/Nomad/Podman, firewall managers) — command lines with the shell
 * around them and pasted iptables-save / -S / -nvL listings — with expectations written before the linter was run on
 * them (docs/lint-holdout31.md). Checked for format and independence from the earlier sets and from holdout 32 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(31, { sibling: 32, findingsShare: true });
