/**
 * Holdout 58 (test/fixtures/lint/holdout58): rule sets from texts written in languages other than English — Chinese,
 * Japanese, Korean, Russian, German, French, Spanish, Portuguese, Vietnamese, Turkish, Indonesian, Polish … guides,
 * course notes, blog posts, runbooks and scripts with comments in those languages, and the iptables-save / -S / -nvL
 * outputs they quote, about DOCKER-USER, published ports and Docker / Swarm hosts' firewalls — with expectations
 * written before the linter was run on them (docs/lint-holdout58.md). Checked for format and independence from the
 * earlier sets and from holdout 59 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(58, { sibling: 59, findingsShare: true });
