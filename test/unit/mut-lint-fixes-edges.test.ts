/**
 * Edges of the linter's fix machinery that test/unit/mut-lint-fixes.test.ts does not reach: offsets on texts that
 * start with a newline or end without one, flows' fixed addresses and criticality, the chain walk through
 * sub-chains that decide or cannot be decided, counting rules without a target, tables without a filter section,
 * and the move-to-DOCKER-USER fix's titles, a dump, a continued command line, a later *nat section, the cache.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRules } from '../../src/core/iptables/parse';
import { applyEdits } from '../../src/core/lint/edits';
import { egressFlows, externalInterfaces, hasVariable, packet, remember, swarmFlows, walkChain } from '../../src/core/lint/flows';
import type { TextEdit } from '../../src/core/lint/types';
import { assertFix, dump, one, raw } from './mut-lint-helpers';

const at = (line: number, character: number, newText: string): TextEdit => ({ range: { start: { line, character }, end: { line, character } }, newText });

test('applyEdits: a line past the end of a text without final newline; a text that starts with a newline', () => {
  assert.equal(applyEdits('ab\ncd', [at(5, 0, '!')]), 'ab\ncd!');
  assert.equal(applyEdits('\nx', [at(1, 0, '>')]), '\n>x');
  assert.equal(applyEdits('\n\nx', [at(2, 1, '<')]), '\n\nx<');
});

test('flows: the fixed peer, node and bridge addresses; every Swarm flow is critical; replies are REPLY', () => {
  const sw = swarmFlows(['eth0'], { control: 2377, gossip: 7946, data: 4789 });
  assert.ok(sw.every((f) => f.critical));
  assert.deepEqual([sw[0].pkt.src, sw[0].pkt.dst], ['198.18.0.12', '198.18.0.11']);
  const eg = egressFlows(['eth0']);
  assert.ok(eg.every((f) => f.critical));
  assert.deepEqual(eg.map((f) => `${f.pkt.proto} ${f.pkt.src}>${f.pkt.dst} ${f.pkt.ct.dir}`), [
    'tcp 172.17.0.2>93.184.216.34 ORIGINAL', 'tcp 172.17.0.2>93.184.216.34 ORIGINAL', 'tcp 93.184.216.34>172.17.0.2 REPLY', 'udp 172.17.0.2>8.8.8.8 ORIGINAL', 'udp 8.8.8.8>172.17.0.2 REPLY',
    'tcp 172.19.0.2>93.184.216.34 ORIGINAL', 'tcp 172.19.0.2>93.184.216.34 ORIGINAL', 'tcp 93.184.216.34>172.19.0.2 REPLY', 'udp 172.19.0.2>8.8.8.8 ORIGINAL', 'udp 8.8.8.8>172.19.0.2 REPLY',
  ]);
  // wildcards are not interface names; names only held by a variable neither
  assert.deepEqual(externalInterfaces(parseRules('-A DOCKER-USER -i eth+ -j DROP\n-A DOCKER-USER -o wg+ -j DROP\n').rules), ['eth0']);
});

test('hasVariable: a variable in one option among others, or in one argument among others', () => {
  const [a, b] = parseRules('-A DOCKER-USER -p tcp -m tcp --sport 1024:65535 --dport ${PORT} -j DROP\n-A DOCKER-USER -m set --match-set $SET src -j DROP\n').rules;
  assert.deepEqual([hasVariable(a), hasVariable(b)], [true, true]);
});

test('walkChain: a sub-chain that drops or rejects decides; its undecidable rule makes the result unknown; counting rules and nat-only rulesets', () => {
  const rs = parseRules(`*filter
:DOCKER-USER - [0:0]
:SUB - [0:0]
-A DOCKER-USER -s 198.51.100.9
-A DOCKER-USER -j SUB
-A DOCKER-USER -p tcp -m tcp --dport 22 -j DROP
-A SUB -m comment --comment $TAG -j ACCEPT
-A SUB -p tcp -m tcp --dport 23 -j REJECT
-A SUB -p tcp -m tcp --dport 24 -j DROP
-A SUB -p tcp -m tcp --dport 25 -j ACCEPT
COMMIT
`);
  const pkt = (dport: number): ReturnType<typeof packet> => packet({ src: '198.51.100.9', dst: '172.17.0.2', proto: 'tcp', sport: 50000, dport, in: 'eth0', out: 'docker0' });
  const v = (dport: number): string => {
    const d = walkChain(rs, 'DOCKER-USER', pkt(dport), 'FORWARD');
    return `${d.verdict} ${d.rule ? d.rule.line + 1 : '-'} ${d.unknown}`;
  };
  assert.deepEqual([v(23), v(24), v(25), v(22), v(80)], ['REJECT 8 true', 'DROP 9 true', 'ACCEPT 10 true', 'DROP 6 true', 'END - true']);
  const nat = parseRules('*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1\nCOMMIT\n');
  assert.deepEqual(walkChain(nat, 'PREROUTING', pkt(80), 'PREROUTING'), { verdict: 'END', unknown: false });
});

test('remember: computes once per key, with a Map or a WeakMap', () => {
  let calls = 0;
  const m = new Map<string, number>();
  assert.equal(remember(m, 'a', () => ++calls), 1);
  assert.equal(remember(m, 'a', () => ++calls), 1);
  assert.equal(remember(m, 'b', () => ++calls), 2);
  const k = {};
  assert.equal(remember(new WeakMap<object, string>(), k, () => 'x'), 'x');
});

test('moveToDockerUserFix: titles, no fix in a dump or for a command continued on the next line, the *filter header before the rule', () => {
  const a = 'iptables -A FORWARD -p tcp --dport 8080 -j DROP\n';
  assert.deepEqual(one(a, 'swarm/not-docker-user').fixes.map((f) => f.title), ['Insert the rule into DOCKER-USER (-I DOCKER-USER)']);
  const i = 'iptables -I FORWARD -p tcp --dport 8080 -j DROP\n';
  assert.deepEqual(one(i, 'swarm/not-docker-user').fixes.map((f) => f.title), ['Move the rule to DOCKER-USER']);
  assert.deepEqual(raw(dump('-A FORWARD -p tcp -m tcp --dport 8080 -j DROP'), 'swarm/not-docker-user').map((d) => d.fixes), [[]]);
  const continued = 'iptables \\\n  -A FORWARD -p tcp --dport 8080 -j DROP\n';
  assert.deepEqual(raw(continued, 'swarm/not-docker-user').map((d) => d.fixes), [[]]);
  // a *nat section after the rule's *filter section: the declaration goes into *filter
  const save = '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n';
  assertFix(save, one(save, 'swarm/not-docker-user'), 0, '*filter\n:DOCKER-USER - [0:0]\n:FORWARD DROP [0:0]\n-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', undefined, '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP');
});
