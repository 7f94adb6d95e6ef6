// More of the netfilter evaluator (src/core/trace/netfilter.ts, nsRules.ts): what a hit records (its unsupported
// matches, one per reason; none for a plain rule), where the hits and rewrites of each table go, and what a
// what-if copy keeps of the namespace it copies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleset, type RuleSpec } from '../../src/core/trace/build';
import { evaluateHook, hookHits, NamespaceRules, type EvalEnv } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import type { TableName } from '../../src/core/iptables/model';
import { parseDumpText } from '../../src/core/iptables/parse';

const env: EvalEnv = { ifaceAddresses: { eth0: [{ address: '192.168.1.2', prefixLen: 24 }] } };
const pkt = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.0.0.9', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' }), ...over });
const ns = (tables: Partial<Record<TableName, Record<string, { policy?: string; rules: RuleSpec[] }>>>): NamespaceRules => new NamespaceRules().add(buildRuleset(tables), 'dump', true);

describe('hits', () => {
  it('a plain rule hit has no unsupported match and leaves the hook certain', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ p: 'tcp', j: 'LOG' }, { p: 'tcp', j: 'ACCEPT' }] } } }), 'INPUT', pkt(), env);
    assert.deepEqual(hookHits(r).map((h) => h.unsupported), [[], []]);
    assert.equal(r.uncertain, false);
    const h = hookHits(r)[1];
    assert.ok(h.kind === 'rule');
    assert.deepEqual([h.table, h.chain, h.position, h.target, h.source, h.line, h.decided], ['filter', 'INPUT', 2, 'ACCEPT', 'dump', 3, false]);
    assert.match(h.text, /^-A INPUT /);
  });

  it('several undecidable matches in one rule: one unsupported entry per reason', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ m: [['owner', { 'uid-owner': ['0'] }], ['ttl', { 'ttl-lt': ['5'] }]], j: 'DROP' }] } } }), 'INPUT', pkt(), env);
    assert.deepEqual(hookHits(r)[0].unsupported, [
      'unsupported match -m owner --uid-owner (the sending process is not traced): treated as may-match',
      'unsupported match -m ttl --ttl-lt (the TTL is not traced): treated as may-match',
    ]);
  });

  it('the save counters of a rule and of a policy are on its hit', () => {
    const d = parseDumpText('*filter\n:INPUT DROP [4:240]\n[7:420] -A INPUT -p tcp -j LOG\nCOMMIT\n');
    const r = evaluateHook(new NamespaceRules().add(d, 'save-c', true), 'INPUT', pkt(), env);
    assert.deepEqual(hookHits(r).map((h) => h.counters), [{ packets: 7, bytes: 420 }, { packets: 4, bytes: 240 }]);
    const first = hookHits(r)[0];
    assert.equal(first.kind === 'rule' ? first.text : '', '-A INPUT -p tcp -j LOG');
  });

  it('each table keeps its own hits and decision; rewrites of the whole hook in order', () => {
    const rules = ns({
      mangle: { OUTPUT: { rules: [{ j: 'MARK', to: { 'set-mark': ['0x1'] } }] } },
      nat: { OUTPUT: { rules: [{ p: 'tcp', j: 'DNAT', to: { 'to-destination': ['10.0.0.5'] } }] } },
      filter: { OUTPUT: { rules: [{ j: 'ACCEPT' }] } },
    });
    const r = evaluateHook(rules, 'OUTPUT', pkt(), env);
    assert.deepEqual(r.tables.map((t) => [t.table, t.chain, t.hits.length, t.decidedBy?.effect ?? '-']), [
      ['raw', 'OUTPUT', 0, '-'],
      ['mangle', 'OUTPUT', 2, 'policy ACCEPT'],
      ['nat', 'OUTPUT', 1, hookHits(r)[2].effect],
      ['filter', 'OUTPUT', 1, 'ACCEPT'],
    ]);
    assert.deepEqual(r.rewrites.map((w) => [w.kind, w.table]), [['MARK', 'mangle'], ['DNAT', 'nat']]);
    assert.deepEqual([r.packet.mark, r.packet.dst, r.hook], [1, '10.0.0.5', 'OUTPUT']);
    assert.equal(r.decidedBy, hookHits(r)[3]);
  });
});

describe('targets and tables', () => {
  it('SNAT, MASQUERADE, REDIRECT, DNAT end the nat walk, without a flag in nat', () => {
    const cases: [RuleSpec, 'PREROUTING' | 'POSTROUTING', string][] = [
      [{ j: 'SNAT', to: { 'to-source': ['10.9.9.9'] } }, 'POSTROUTING', 'SNAT'],
      [{ j: 'MASQUERADE' }, 'POSTROUTING', 'MASQUERADE'],
      [{ p: 'tcp', j: 'REDIRECT', to: { 'to-ports': ['8080'] } }, 'PREROUTING', 'REDIRECT'],
      [{ p: 'tcp', j: 'DNAT', to: { 'to-destination': ['10.0.0.5'] } }, 'PREROUTING', 'DNAT'],
    ];
    for (const [spec, hook, kind] of cases) {
      const r = evaluateHook(ns({ nat: { [hook]: { rules: [spec, { j: 'DROP' }] } } }), hook, pkt({ outIface: 'eth0' }), env);
      assert.equal(r.verdict, 'ACCEPT', kind);
      assert.deepEqual(hookHits(r).map((h) => h.unsupported), [[]], kind);
      assert.deepEqual(r.rewrites.map((w) => w.kind), [kind]);
    }
  });

  it('the filter table\'s ACCEPT rule stays the hook\'s deciding rule when a later table accepts too', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ j: 'ACCEPT' }] } }, nat: { INPUT: { rules: [{ j: 'ACCEPT' }] } } }), 'INPUT', pkt(), env);
    assert.equal(r.decidedBy?.table, 'filter');
  });

  it('a policy not in the dump is ACCEPT, said, on a hit without a line', () => {
    const r = evaluateHook(new NamespaceRules().add(parseDumpText('*filter\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n'), 'S'), 'INPUT', pkt(), env);
    const h = hookHits(r).at(-1);
    assert.ok(h?.kind === 'policy');
    assert.deepEqual([h.policy, h.effect, h.line], ['ACCEPT', 'policy ACCEPT', undefined]);
  });

  it('raw captured in a partial dump is evaluated, not assumed', () => {
    const r = evaluateHook(new NamespaceRules().add(parseDumpText('*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j NOTRACK\nCOMMIT\n'), 'raw.S'), 'PREROUTING', pkt(), env);
    assert.equal(r.tables[0].table, 'raw');
    assert.equal(r.tables[0].status, 'evaluated');
    assert.equal(r.packet.ct.state, 'UNTRACKED');
    assert.equal(r.notes.includes('raw table not captured: assumed empty'), false);
  });

  it('a rule the prefilter decides alone is taken without compiling it', () => {
    const n = ns({ filter: { INPUT: { rules: [{ p: 'tcp', j: 'LOG' }, { i: 'eth0', j: 'ACCEPT' }] } } });
    evaluateHook(n, 'INPUT', pkt(), env);
    assert.deepEqual(Array.from(n.chain('filter', 'INPUT')?.compiled?.tests ?? [], (t) => t !== undefined), [false, false]);
  });

  it('a ruleset that loops forever (a goto to itself) stops after 1,000,000 rules and says so', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ j: 'A' }] }, A: { rules: [{ g: 'A' }] } } }), 'INPUT', pkt(), env);
    assert.ok(r.notes.includes('rule walk exceeded 1,000,000 evaluations: stopped (loop in the ruleset?)'), r.notes.join('|'));
    assert.equal(r.tables.find((t) => t.table === 'filter')?.hits.length, 1_000_000);
  });
});

describe('what-if copies', () => {
  it('keep the namespace\'s diagnostics and sources and add their own source', () => {
    const base = new NamespaceRules().add(parseDumpText('*filter\n-A INPUT -p tcp --dport 99999 -j DROP\nCOMMIT\n'), 'f.S');
    const copy = base.withChains([{ table: 'filter', name: 'DOCKER-USER', rules: [] }], 'w.txt');
    assert.equal(copy.diagnostics.length, 1);
    assert.deepEqual(copy.diagnostics, base.diagnostics);
    assert.deepEqual(copy.sources, ['f.S', 'w.txt']);
    assert.equal(copy.allTables, false);
    assert.equal(copy.chain('filter', 'DOCKER-USER')?.chain.policy, undefined);
    assert.deepEqual(copy.chain('filter', 'INPUT'), base.chain('filter', 'INPUT'));
  });
});
