/**
 * Holdout 36 (test/fixtures/lint/holdout36): rule sets from Docker Swarm hosts specifically — swarm node firewall
 * scripts and provisioning code (INPUT rules for 2377/7946/4789/ESP, docker_gwbridge, DOCKER-INGRESS, DOCKER-USER on
 * routing-mesh nodes), issue threads about swarm networking and firewalls, and iptables-save / -nvL listings from
 * swarm nodes and their namespaces — with expectations written before the linter was run on them
 * (docs/lint-holdout36.md). Checked for format and independence from the earlier sets and from holdout 35 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

// (the share of sets with a finding is not checked: the search budget ran out before a third of the sets carried
// one, and no expectation was made up to reach it — docs/lint-holdout36.md)
holdoutTests(36, { sibling: 35 });
