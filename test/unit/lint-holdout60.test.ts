/**
 * Holdout 60 (test/fixtures/lint/holdout60): rule sets from questions and answers and forum threads — Stack Overflow /
 * Server Fault / Super User / Unix & Linux answers, Docker Community Forums, Reddit, NAS and hypervisor forums
 * (Proxmox, Unraid, TrueNAS, OpenMediaVault, Synology), Hacker News comments and mailing lists, where people post the
 * DOCKER-USER, FORWARD, INPUT or nat rules they tried or propose and the `iptables -S` / `-nvL` / iptables-save
 * outputs of their Docker or Swarm hosts (and copies of such answers kept in repositories) — with expectations written
 * before the linter was run on them (docs/lint-holdout60.md). Checked for format and independence from the earlier
 * sets and from holdout 59 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(60, { sibling: 59, findingsShare: true });
