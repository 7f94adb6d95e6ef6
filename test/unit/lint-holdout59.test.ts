/**
 * Holdout 59 (test/fixtures/lint/holdout59): rule sets from documentation committed in repositories of Docker / Swarm
 * deployments — READMEs, docs/ folders, runbooks, ADRs, incident notes, hardening checklists, porting manuals and the
 * small scripts kept next to them — that show iptables rules or outputs for Docker hosts (DOCKER-USER, FORWARD, INPUT,
 * nat, published ports, Swarm ports), with expectations written before the linter was run on them
 * (docs/lint-holdout59.md). Checked for format and independence from the earlier sets and from holdout 58 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(59, { sibling: 58, findingsShare: true });
