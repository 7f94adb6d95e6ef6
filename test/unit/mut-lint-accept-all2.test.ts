/**
 * docker-user/accept-all (src/core/lint/rules/acceptAll.ts), the ACCEPT of Docker's address pool ("allow the Docker
 * networks": `-A DOCKER-USER -s 172.16.0.0/12 -j ACCEPT`, a line of many DOCKER-USER allow-list guides): an info in
 * DOCKER-USER (with the RETURN fix) or in a chain it jumps or goes to (no fix there: RETURN in a chain reached by -j
 * returns to DOCKER-USER, not to Docker's chains). Expected answers written from how ACCEPT ends FORWARD (Docker's
 * isolation chains after DOCKER-USER never run) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../src/core/lint/edits';
import { at, raw } from './mut-lint-helpers';

const CODE = 'docker-user/accept-all';
const ISOLATION = 'network isolation between Docker networks (all versions) and, on Docker ≥ 28, the blocking of direct access to unpublished container ports';
const pool = (dir: string): string => `ACCEPT of everything ${dir} 172.16.0.0/12, which holds Docker's networks: packets between containers of different networks end here (ACCEPT ends FORWARD), so Docker's own rules never run for them — ${ISOLATION}. Use -j RETURN to let Docker's rules decide.`;

test('accept-all: an ACCEPT of everything from or to 172.16.0.0/12 in DOCKER-USER: info, with the RETURN fix', () => {
  for (const [flag, dir] of [['-s', 'from'], ['-d', 'to']]) {
    const line = `iptables -A DOCKER-USER ${flag} 172.16.0.0/12 -j ACCEPT`;
    const ds = raw(`${line}\n`, CODE);
    assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.message, d.fixes.map((f) => f.title)]), [[`1:0-${line.length}`, 'info', pool(dir), ["Use -j RETURN (let Docker's rules decide)"]]], flag);
    assert.equal(applyEdits(`${line}\n`, ds[0].fixes[0].edits), `${line.replace('ACCEPT', 'RETURN')}\n`);
  }
});

test('accept-all: the pool ACCEPT in a chain DOCKER-USER jumps or goes to: info without a fix', () => {
  for (const how of ['-j', '-g']) {
    const ds = raw(`iptables -N ALLOW\niptables -A ALLOW -s 172.16.0.0/12 -j ACCEPT\niptables -A DOCKER-USER ${how} ALLOW\n`, CODE);
    assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.message, d.fixes.length]), [['2:0-44', 'info', pool('from'), 0]], how);
  }
});

test('accept-all: not the pool shape: another condition (protocol, interface, a match), a RETURN', () => {
  for (const quiet of [
    'iptables -A DOCKER-USER -s 172.16.0.0/12 -p tcp -j ACCEPT',
    'iptables -A DOCKER-USER -s 172.16.0.0/12 -i docker0 -j ACCEPT',
    'iptables -A DOCKER-USER -d 172.16.0.0/12 -o docker0 -j ACCEPT',
    'iptables -A DOCKER-USER -s 172.16.0.0/12 -m comment --comment docker -j ACCEPT',
    'iptables -A DOCKER-USER -s 172.16.0.0/12 -j RETURN',
  ]) assert.deepEqual(raw(`${quiet}\n`, CODE), [], quiet);
});
