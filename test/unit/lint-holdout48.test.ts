/**
 * Holdout 48 (test/fixtures/lint/holdout48): rule sets from committed files in public GitHub repositories (the code
 * store) that put iptables rules on Docker or Docker Swarm hosts — shell scripts, course labs in Korean, Chinese and
 * other languages, READMEs and docs, modular firewall scripts, Go/Python programs' generated rules — found with search
 * strings no earlier round used, with expectations written before the linter was run on them
 * (docs/lint-holdout48.md). Checked for format and independence from the earlier sets and from holdout 49 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(48, { sibling: 49, findingsShare: true });
