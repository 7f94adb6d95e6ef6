/**
 * docker-user/ctorig-without-ctdir (src/core/lint/rules/ctorigWithoutCtdir.ts): when a `--ctorigdst <node address>`
 * DROP cannot see a reply (only packets from outside reach it: `-i eth0` on it or on every jump to its chain; or it
 * takes every connection from its first packet), and when it can (a bridge, a variable or a negated interface; a
 * source condition of any kind; an accept before it). Shapes of the "allow only these clients to a published port"
 * rules of Docker's packet-filtering page (`-m conntrack --ctorigdst … --ctorigdstport …`). Expected answers written
 * from the conntrack original tuple (shared by a connection's replies) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../src/core/lint/edits';
import { at, raw } from './mut-lint-helpers';

const CODE = 'docker-user/ctorig-without-ctdir';
const O = '-m conntrack --ctorigdst 203.0.113.10 --ctorigdstport 8080';
const found = (text: string): string[] => raw(text, CODE).map((d) => `${at([d])[0]} ${d.severity}`);

test('ctorig-without-ctdir: `-i eth0` (packets from outside only) on a --ctorigdst DROP: no reply reaches it; a bridge, a variable or `! -i eth0` let replies in', () => {
  assert.deepEqual(found(`iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 ${O} -j DROP\n`), []);
  // without --ctorigdst, `-i eth0` does not keep replies out: a container's own connection to a remote port 8080
  // has original destination port 8080 too, and its replies arrive on eth0
  assert.deepEqual(found('iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -m conntrack --ctorigdstport 8080 -j DROP\n'), ['1:51-63 warning']);
  for (const i of ['-i docker0', '-i $EXT', '! -i eth0']) {
    const line = `iptables -I DOCKER-USER ${i} -s 198.51.100.0/24 ${O} -j DROP`;
    const ds = raw(`${line}\n`, CODE);
    const start = line.indexOf('-m conntrack');
    assert.deepEqual(ds.map((d) => [at([d])[0], d.severity]), [[`1:${start}-${start + 12}`, 'warning']], i);
    assert.equal(applyEdits(`${line}\n`, ds[0].fixes[0].edits), `${line.replace('--ctorigdstport 8080', '--ctorigdstport 8080 --ctdir ORIGINAL')}\n`);
  }
});

test('ctorig-without-ctdir: a --ctorigdst DROP with no source condition and nothing accepted before it takes connections from their first packet; any source condition or an earlier RETURN lets replies reach it', () => {
  assert.deepEqual(found(`iptables -I DOCKER-USER ${O} -j DROP\n`), []);
  assert.deepEqual(found(`iptables -I DOCKER-USER -s 198.51.100.0/24 ${O} -j DROP\n`), ['1:43-55 warning']);
  assert.deepEqual(found(`iptables -I DOCKER-USER -m iprange --src-range 198.51.100.1-198.51.100.9 ${O} -j DROP\n`), ['1:73-85 warning']);
  assert.deepEqual(found(`iptables -I DOCKER-USER -m set --match-set allow src ${O} -j DROP\n`), ['1:53-65 warning']);
  // a destination set is no source condition
  assert.deepEqual(found(`iptables -I DOCKER-USER -m set --match-set allow dst ${O} -j DROP\n`), []);
  assert.deepEqual(found(`iptables -A DOCKER-USER -p tcp --dport 22 -j RETURN\niptables -A DOCKER-USER ${O} -j DROP\n`), ['2:24-36 warning']);
});

test('ctorig-without-ctdir: in a chain of its own, only packets from outside reach it when every jump to the chain has `-i eth0` (up to four jumps deep)', () => {
  const rule = `iptables -N FILTERS\niptables -A FILTERS -s 198.51.100.0/24 ${O} -j DROP\n`;
  assert.deepEqual(found(`${rule}iptables -A DOCKER-USER -i eth0 -j FILTERS\n`), []);
  assert.deepEqual(found(`${rule}iptables -A DOCKER-USER -i eth0 -j FILTERS\niptables -A DOCKER-USER -i eth1 -j FILTERS\n`), []);
  // a deleted jump is not a way in
  assert.deepEqual(found(`${rule}iptables -A DOCKER-USER -i eth0 -j FILTERS\niptables -D DOCKER-USER -j FILTERS\n`), []);
  assert.deepEqual(found(`${rule}iptables -A DOCKER-USER -j FILTERS\n`), ['2:39-51 warning']);
  assert.deepEqual(found(`${rule}iptables -A DOCKER-USER -i eth0 -j FILTERS\niptables -A DOCKER-USER -i docker0 -j FILTERS\n`), ['2:39-51 warning']);
  // no jump in the text: the way in is unknown
  assert.deepEqual(found(rule), ['2:39-51 warning']);
  const deep = (names: string[]): string => {
    const last = names[names.length - 1];
    const lines = [...names.map((n) => `iptables -N ${n}`), `iptables -A ${last} -s 198.51.100.0/24 ${O} -j DROP`];
    for (let k = names.length - 1; k > 0; k--) lines.push(`iptables -A ${names[k - 1]} -j ${names[k]}`);
    lines.push(`iptables -A DOCKER-USER -i eth0 -j ${names[0]}`);
    return `${lines.join('\n')}\n`;
  };
  assert.deepEqual(found(deep(['B', 'C', 'D', 'E'])), []);
  assert.deepEqual(found(deep(['A', 'B', 'C', 'D', 'E'])), ['6:33-45 warning']);
});

test('ctorig-without-ctdir: a LOG is not reported, a jump to a deny chain is; NEW-only, a delete are not', () => {
  assert.deepEqual(found('iptables -I DOCKER-USER -s 198.51.100.0/24 -m conntrack --ctorigdstport 8080 -j LOG\n'), []);
  assert.deepEqual(found('iptables -N FILTERS\niptables -A FILTERS -j DROP\niptables -I DOCKER-USER -s 198.51.100.0/24 -m conntrack --ctorigdstport 8080 -j FILTERS\n'), ['3:43-55 warning']);
  assert.deepEqual(found('iptables -I DOCKER-USER -s 198.51.100.0/24 -m conntrack --ctorigdstport 8080 --ctstate NEW -j DROP\n'), []);
  assert.deepEqual(found('iptables -D DOCKER-USER -s 198.51.100.0/24 -m conntrack --ctorigdstport 8080 -j DROP\n'), []);
});
