/**
 * Holdout 42 (test/fixtures/lint/holdout42): rule sets from English-language tutorials, vendor and product
 * documentation, hardening guides and course/book notes about firewalling Docker or Docker Swarm hosts with iptables
 * or ufw — Markdown docs committed in repositories (deployment and security guides, READMEs, FAQs, blog sources,
 * runbooks, notes with listings) — with expectations written before the linter was run on them
 * (docs/lint-holdout42.md). Checked for format and independence from the earlier sets and from holdout 40 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(42, { sibling: 40, findingsShare: true });
