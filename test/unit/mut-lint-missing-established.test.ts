/**
 * docker-user/missing-established beyond the standard flows (src/core/lint/rules/missingEstablished.ts): a DROP for
 * one container address is judged with that container's replies, and a rule repeated in an alternative script of
 * the text gets the finding on both copies. Expected answers from conntrack's view: the reply to a connection a
 * container opened comes back to the container's address through DOCKER-USER, so a DROP on that address before an
 * ESTABLISHED accept takes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';

const CODE = 'docker-user/missing-established';
const lines = (text: string): number[] => lintRules(text).diagnostics.filter((d) => d.code === CODE).map((d) => d.span.line + 1);
const cmd = (rest: string): string => `iptables -I DOCKER-USER ${rest}\n`;

test('a DROP for a container address outside the sample bridges is judged with that container\'s replies', () => {
  // 172.20.0.0/16 holds none of the standard flows' sample containers (172.17.0.2, 172.19.0.2, 172.18.0.3)
  assert.deepEqual(lines(cmd('-d 172.20.0.7 -j DROP')), [1], 'one container (/32)');
  assert.deepEqual(lines(cmd('-d 172.20.0.0/16 -j DROP')), [1], 'a whole network: its first host address (.2, Docker\'s first container)');
  assert.deepEqual(lines(cmd('-d 172.20.0.6/31 -j REJECT')), [1], 'a /31: its first address; REJECT as DROP');
  assert.deepEqual(lines(cmd('-d 10.10.0.0/24 -j DROP')), [1], 'any private network can hold containers');
  // with the ESTABLISHED accept first, the replies pass: nothing to report
  assert.deepEqual(lines(`${cmd('-d 172.20.0.7 -j DROP')}${cmd('-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN')}`), []);
});

test('addresses that are no container\'s, negated ones and non-drops are not judged as containers', () => {
  assert.deepEqual(lines(cmd('-d 8.8.8.8 -j DROP')), [], 'a public address: no container has it');
  assert.deepEqual(lines(cmd('-d 172.20.0.7 -j ACCEPT')), []);
  assert.deepEqual(lines(cmd('-d 172.20.0.7 -j LOG')), []);
  // a /16 rule whose first host address is outside it would be judged with a packet it never matches
  assert.deepEqual(lines(cmd('-d 172.20.0.0/16 -p tcp --syn -j DROP')), [], 'first packets only: not a reply dropper');
});

test('at most four container addresses are walked (each costs a walk of the chain); the same address only once', () => {
  const five = [1, 2, 3, 4, 5].map((n) => `iptables -A DOCKER-USER -d 172.20.0.${10 + n} -j DROP\n`).join('');
  // with Docker's RETURN assumed, the appended rules never run: use a Docker 28.2.2 node (no RETURN)
  const found = lintRules(five, { engineVersion: '28.2.2' }).diagnostics.filter((d) => d.code === CODE).map((d) => d.span.line + 1);
  assert.deepEqual(found, [1, 2, 3, 4], 'the documented bound: the fifth address is not walked');
  // a repeated address takes one of the four walks only once: .11 twice, then three more addresses, all walked
  // (the replies judged are TCP ones, so the udp-only DROP on line 1 is not what takes them)
  const repeated = ['-d 172.20.0.11 -p udp', '-d 172.20.0.11', '-d 172.20.0.12', '-d 172.20.0.13', '-d 172.20.0.14'].map((c) => `iptables -A DOCKER-USER ${c} -j DROP\n`).join('');
  assert.deepEqual(lintRules(repeated, { engineVersion: '28.2.2' }).diagnostics.filter((d) => d.code === CODE).map((d) => d.span.line + 1), [2, 3, 4, 5]);
});

test('the same rule in an alternative script of the text (a later #!) gets the finding on both copies, one script does not', () => {
  const rule = 'iptables -A DOCKER-USER -i eth0 -j DROP\n';
  const alternatives = `#!/bin/bash\n${rule}#!/bin/sh\n${rule}`;
  assert.deepEqual(lintRules(alternatives, { engineVersion: '28.2.2' }).diagnostics.filter((d) => d.code === CODE).map((d) => d.span.line + 1), [2, 4]);
  // in one script the second copy never runs (rules/duplicate): only the first drops the replies
  const oneScript = `#!/bin/bash\n${rule}${rule}`;
  assert.deepEqual(lintRules(oneScript, { engineVersion: '28.2.2' }).diagnostics.filter((d) => d.code === CODE).map((d) => d.span.line + 1), [2]);
});
