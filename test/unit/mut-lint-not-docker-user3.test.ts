/**
 * swarm/not-docker-user (src/core/lint/rules/notDockerUser.ts): a script that makes its own DOCKER-USER and jumps
 * to it from FORWARD, mangle FORWARD (before Docker's filter rules: it works), default denies (only a comment or an
 * INVALID state) against an INVALID drop on one interface, a DROP by ipset. Expected answers written from the
 * netfilter hook order (mangle FORWARD before filter FORWARD) and Docker's FORWARD layout before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'swarm/not-docker-user';
const found = (text: string): string[] => raw(text, CODE).map((d) => `${at([d])[0]} ${d.severity}`);

test('not-docker-user: the jump to DOCKER-USER itself, and mangle FORWARD, are not misplaced filtering', () => {
  // a host-firewall script that creates DOCKER-USER before Docker starts and jumps to it for outside traffic
  assert.deepEqual(found('iptables -N DOCKER-USER\niptables -A DOCKER-USER -s 198.51.100.7 -j DROP\niptables -A DOCKER-USER -j RETURN\niptables -I FORWARD -i eth0 -j DOCKER-USER\n'), []);
  assert.deepEqual(found('iptables -t mangle -A FORWARD -o docker0 -p tcp --dport 8080 -j DROP\n'), []);
  assert.deepEqual(found('iptables -t mangle -A INPUT -d 172.17.0.5 -j DROP\n'), []);
});

test('not-docker-user: a default deny (comment only, INVALID only) is not reported; an INVALID drop on one interface or a set DROP is filtering', () => {
  assert.deepEqual(found('iptables -A FORWARD -m comment --comment "default deny" -j DROP\n'), []);
  assert.deepEqual(found('iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP\n'), []);
  assert.deepEqual(found('iptables -A FORWARD -m conntrack --ctstate INVALID -i eth0 -j DROP\n'), ['1:12-19 warning']);
  assert.deepEqual(found('iptables -A FORWARD -m set --match-set blocklist src -j DROP\n'), ['1:12-19 warning']);
  // to the whole default bridge range in INPUT: container traffic, never delivered there
  assert.deepEqual(found('iptables -A INPUT -d 172.17.0.0/16 -j DROP\n'), ['1:12-17 warning']);
});
