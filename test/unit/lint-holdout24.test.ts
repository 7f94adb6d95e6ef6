/**
 * Holdout 24 (test/fixtures/lint/holdout24): rule sets and dumps people pasted in issue and pull-request threads of
 * projects other than moby/moby (reverse proxies, mail stacks, VPN containers, Swarm tools, firewall managers, …),
 * with expectations written before the linter was run on them (docs/lint-holdout24.md). Checked for format and
 * independence from the earlier sets and from holdout 23 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// one thread may give two sets (the report's rules and a reply's), told apart by the author the source line names
holdoutTests(24, { sibling: 23, twice: 'author' });
