/**
 * Holdout 37 (test/fixtures/lint/holdout37): rule sets from texts whose prose is not in English — Chinese, Japanese,
 * Korean, Russian, German, French, Portuguese, Spanish, … blog posts, notes, Q&A answers, READMEs, scripts with
 * non-English comments and listings — by people setting iptables rules on Docker / Docker Swarm hosts, with
 * expectations written before the linter was run on them (docs/lint-holdout37.md). Checked for format and independence
 * from the earlier sets and from holdout 38 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(37, { sibling: 38, findingsShare: true });
