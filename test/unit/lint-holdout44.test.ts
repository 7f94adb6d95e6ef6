/**
 * Holdout 44 (test/fixtures/lint/holdout44): rule sets from tools that generate or manage Docker host firewall rules
 * and the texts around them — ufw-docker forks and alternatives, Docker firewall helper projects, CrowdSec/fail2ban
 * setups for Docker hosts, reverse-proxy and PaaS projects (Traefik, Caddy, Nginx Proxy Manager, Coolify, Dokploy,
 * CapRover, Portainer, Dokku): READMEs, docs, example configs, issue/PR texts quoted in repos, templates and test
 * fixtures holding concrete rule text — with expectations written before the linter was run on them
 * (docs/lint-holdout44.md). Checked for format and independence from the earlier sets and from holdout 45 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(44, { sibling: 45, findingsShare: true });
