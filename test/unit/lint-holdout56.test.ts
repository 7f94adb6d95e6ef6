/**
 * Holdout 56 (test/fixtures/lint/holdout56): threads and pages — DOCKER-USER, published-port and Docker Swarm rule sets
 * people posted while asking or answering: GitHub issue and pull-request threads (moby, docker/cli, libnetwork, mailcow,
 * wg-easy, …) with their `iptables -S` / `-nvL` listings and the rules they tried, Q&A-style notes, READMEs, runbooks
 * and scripts from the code store, in several languages — with expectations written before the linter was run on them
 * (docs/lint-holdout56.md). Checked for format and independence from the earlier sets and from holdout 57 (same round);
 * the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(56, { sibling: 57, findingsShare: true });
