// The netfilter evaluator's walk (src/core/trace/netfilter.ts, nsRules.ts), rule by rule against what the kernel
// does (iptables(8), iptables-extensions(8); the cases marked "kernel" were checked with iptables 1.8.9 and
// packet counters in a scratch namespace on this machine, test/kernel's bed): tables per hook in priority order,
// jumps, gotos, returns, policies, each kind of target, the nat binding of packets after the first, what is said
// when state is missing, and the prefilter's promise that rules it rules out are never compiled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleset, type RuleSpec } from '../../src/core/trace/build';
import { evaluateHook, hookHits, isLocalAddress, NamespaceRules, type EvalEnv, type HookResult } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import type { TableName } from '../../src/core/iptables/model';
import { parseDumpText } from '../../src/core/iptables/parse';

const env: EvalEnv = { ifaceAddresses: { eth0: [{ address: '192.168.1.2', prefixLen: 24 }], lo: [{ address: '127.0.0.1', prefixLen: 8 }] } };
const pkt = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.0.0.9', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' }), ...over });
type Chains = Record<string, { policy?: string; rules: RuleSpec[] }>;
const ns = (tables: Partial<Record<TableName, Chains>>, complete = true): NamespaceRules => new NamespaceRules().add(buildRuleset(tables), 'dump', complete);
const path = (r: HookResult): string[] => hookHits(r).map((h) => `${h.table}/${h.chain}#${h.kind === 'rule' ? h.position : 'P'}:${h.effect}`);

describe('evaluator: chains', () => {
  it('jump returns after the user chain; goto does not: the end of the goto target returns to the chain that jumped (kernel)', () => {
    const rules = ns({
      filter: {
        INPUT: { policy: 'DROP', rules: [{ j: 'A' }, { p: 'tcp', j: 'ACCEPT' }] },
        A: { rules: [{ g: 'B' }, { j: 'DROP' }] },
        B: { rules: [{ p: 'udp', j: 'DROP' }] },
      },
    });
    const r = evaluateHook(rules, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'ACCEPT');
    assert.deepEqual(path(r), ['filter/INPUT#1:jump A', 'filter/A#1:goto B', 'filter/INPUT#2:ACCEPT']);
    assert.equal(r.decidedBy?.kind === 'rule' && r.decidedBy.position, 2);
  });

  it('goto from the builtin chain, falling off the end: the builtin policy decides', () => {
    const rules = ns({ filter: { INPUT: { policy: 'DROP', rules: [{ g: 'B' }, { j: 'ACCEPT' }] }, B: { rules: [{ p: 'udp', j: 'ACCEPT' }] } } });
    const r = evaluateHook(rules, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.deepEqual(path(r), ['filter/INPUT#1:goto B', 'filter/INPUT#P:policy DROP']);
  });

  it('RETURN in a user chain goes back to the caller; RETURN in the builtin chain takes the policy', () => {
    const rules = ns({ filter: { INPUT: { policy: 'DROP', rules: [{ j: 'A' }, { j: 'RETURN' }, { j: 'ACCEPT' }] }, A: { rules: [{ j: 'RETURN' }, { j: 'ACCEPT' }] } } });
    const r = evaluateHook(rules, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.deepEqual(path(r), ['filter/INPUT#1:jump A', 'filter/A#1:RETURN to INPUT', 'filter/INPUT#2:RETURN from builtin chain: policy', 'filter/INPUT#P:policy DROP']);
  });

  it('a chain not in the dump is empty: jump continues, goto returns, both say so and are uncertain', () => {
    const rules = ns({ filter: { INPUT: { policy: 'ACCEPT', rules: [{ j: 'GONE' }, { j: 'A' }, { j: 'DROP' }] }, A: { rules: [{ g: 'GONE2' }, { j: 'ACCEPT' }] } } });
    const r = evaluateHook(rules, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.deepEqual(path(r), [
      'filter/INPUT#1:jump GONE: chain not in the dump, treated as empty (RETURN)',
      'filter/INPUT#2:jump A',
      'filter/A#1:goto GONE2: chain not in the dump, treated as empty (RETURN)',
      'filter/INPUT#3:DROP',
    ]);
    assert.deepEqual(hookHits(r)[0].unsupported, ['chain GONE not captured']);
    assert.deepEqual(hookHits(r)[2].unsupported, ['chain GONE2 not captured']);
    assert.equal(r.uncertain, true);
    // goto to a missing chain from the builtin chain: its policy
    const g = evaluateHook(ns({ filter: { INPUT: { policy: 'DROP', rules: [{ g: 'GONE' }, { j: 'ACCEPT' }] } } }), 'INPUT', pkt(), env);
    assert.deepEqual(path(g), ['filter/INPUT#1:goto GONE: chain not in the dump, treated as empty (RETURN)', 'filter/INPUT#P:policy DROP']);
  });

  it('a chain that jumps to itself stops at depth 64 with DROP and says so', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ j: 'LOOP' }] }, LOOP: { rules: [{ j: 'LOOP' }] } } }), 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    const hits = hookHits(r);
    assert.equal(hits.length, 64);
    assert.equal(hits[62].effect, 'jump LOOP');
    assert.equal(hits[63].effect, 'jump LOOP: chain nesting deeper than 64, stopped');
    assert.ok(r.notes.includes('jump LOOP: chain nesting deeper than 64, stopped'));
    assert.equal(r.decidedBy, hits[63]);
  });

  it('a counting rule (no target) is recorded and the walk goes on', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { policy: 'ACCEPT', rules: [{ p: 'tcp' }, { p: 'tcp', j: 'REJECT' }] } } }), 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'REJECT');
    assert.deepEqual(path(r), ['filter/INPUT#1:no target (counting rule): continue', 'filter/INPUT#2:REJECT']);
  });

  it('the policy hit: the declaration line and counters of the dump, assumed ACCEPT (and said) when not in it', () => {
    const d = parseDumpText('*filter\n:INPUT DROP [7:420]\n:FORWARD ACCEPT [0:0]\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n');
    const r = evaluateHook(new NamespaceRules().add(d, 'save', true), 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    const h = hookHits(r)[0];
    assert.ok(h.kind === 'policy');
    assert.deepEqual([h.policy, h.line, h.counters, h.source, h.effect], ['DROP', 2, { packets: 7, bytes: 420 }, 'save', 'policy DROP']);
    const noPol = new NamespaceRules().add(parseIptablesS('-A INPUT -p udp -j ACCEPT'), 'S');
    const r2 = evaluateHook(noPol, 'INPUT', pkt(), env);
    assert.equal(r2.verdict, 'ACCEPT');
    assert.ok(r2.notes.includes('policy of filter/INPUT not in the dump: assumed ACCEPT'), r2.notes.join('|'));
  });
});

function parseIptablesS(line: string) {
  // `iptables -S INPUT` without its -P line: the chain exists, its policy is not known
  return parseDumpText(`*filter\n${line}\nCOMMIT\n`);
}

describe('evaluator: targets', () => {
  it('MARK rewrites the packet for the rules after it: the prefilter reads the new mark (kernel)', () => {
    const rules = ns({ mangle: { PREROUTING: { rules: [{ j: 'MARK', to: { 'set-mark': ['0x100'] } }, { m: [['mark', { mark: ['0x100'] }]], j: 'DROP' }] } } });
    const r = evaluateHook(rules, 'PREROUTING', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.equal(r.packet.mark, 0x100);
    assert.deepEqual(r.rewrites.map((w) => [w.kind, w.from, w.to, w.table, w.chain]), [['MARK', '0x0', '0x100', 'mangle', 'PREROUTING']]);
    assert.match(r.rewrites[0].rule ?? '', /^-A PREROUTING /);
  });

  it('NAT targets end the nat walk with ACCEPT; outside nat they are flagged', () => {
    const rules = ns({ nat: { PREROUTING: { rules: [{ p: 'tcp', j: 'DNAT', to: { 'to-destination': ['10.0.0.5:8080'] } }, { j: 'DROP' }] } }, filter: { INPUT: { rules: [] } } });
    const r = evaluateHook(rules, 'PREROUTING', pkt(), env);
    assert.equal(r.verdict, 'ACCEPT');
    assert.equal(hookHits(r).length, 1);
    assert.equal(r.tables.find((t) => t.table === 'nat')?.decidedBy, hookHits(r)[0]);
    assert.deepEqual([r.packet.dst, r.packet.dport], ['10.0.0.5', 8080]);
    assert.deepEqual(r.rewrites.map((w) => [w.kind, w.table, w.chain]), [['DNAT', 'nat', 'PREROUTING']]);
    const m = evaluateHook(ns({ mangle: { PREROUTING: { rules: [{ j: 'DNAT', to: { 'to-destination': ['10.0.0.5'] } }, { j: 'DROP' }] } } }), 'PREROUTING', pkt(), env);
    assert.equal(m.verdict, 'ACCEPT');
    assert.ok(hookHits(m)[0].unsupported.includes('DNAT outside the nat table'), hookHits(m)[0].unsupported.join('|'));
  });

  it('NOTRACK and CT --notrack untrack the packet (raw), other non-terminal targets continue', () => {
    for (const t of [{ j: 'NOTRACK' }, { j: 'CT', to: { notrack: [] } }] as RuleSpec[]) {
      const rules = ns({ raw: { PREROUTING: { rules: [t, { j: 'LOG' }] } }, filter: { INPUT: { policy: 'DROP', rules: [{ m: [['conntrack', { ctstate: ['UNTRACKED'] }]], j: 'ACCEPT' }] } } });
      const pre = evaluateHook(rules, 'PREROUTING', pkt(), env);
      assert.equal(pre.packet.ct.state, 'UNTRACKED');
      assert.deepEqual(path(pre), [`raw/PREROUTING#1:${t.j}: packet untracked`, 'raw/PREROUTING#2:LOG: continue', 'raw/PREROUTING#P:policy ACCEPT']);
      assert.equal(evaluateHook(rules, 'INPUT', pre.packet, env).verdict, 'ACCEPT');
    }
    const ct = evaluateHook(ns({ raw: { PREROUTING: { rules: [{ j: 'CT', to: { zone: ['1'] } }] } } }), 'PREROUTING', pkt(), env);
    assert.equal(ct.packet.ct.state, 'NEW');
    assert.equal(hookHits(ct)[0].effect, 'CT: continue');
  });

  it('QUEUE/NFQUEUE: the verdict is userspace\'s; other unsupported terminal targets are taken as ACCEPT, said', () => {
    for (const q of ['QUEUE', 'NFQUEUE']) {
      const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ j: q }, { j: 'DROP' }] } } }), 'INPUT', pkt(), env);
      assert.equal(r.verdict, 'QUEUE');
      assert.equal(r.decidedBy, hookHits(r)[0]);
      assert.equal(hookHits(r)[0].effect, `${q}: handed to a userspace program, verdict unknown`);
      assert.deepEqual(hookHits(r)[0].unsupported, [`target ${q}: verdict decided in userspace`]);
    }
    const t = evaluateHook(ns({ mangle: { PREROUTING: { rules: [{ p: 'tcp', j: 'TPROXY' }, { j: 'DROP' }] } } }), 'PREROUTING', pkt(), env);
    assert.equal(t.verdict, 'ACCEPT');
    assert.deepEqual([hookHits(t).length, hookHits(t)[0].effect, hookHits(t)[0].unsupported], [1, 'unsupported target TPROXY: treated as ACCEPT', ['unsupported target TPROXY']]);
    assert.equal(t.tables.find((x) => x.table === 'mangle')?.decidedBy, hookHits(t)[0]);
  });

  it('an unsupported match: may-match, the rule is taken, the hook is uncertain', () => {
    const r = evaluateHook(ns({ filter: { INPUT: { rules: [{ m: [['owner', { 'uid-owner': ['0'] }]], j: 'DROP' }] } } }), 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.equal(r.uncertain, true);
    assert.deepEqual(hookHits(r)[0].unsupported, ['unsupported match -m owner --uid-owner (the sending process is not traced): treated as may-match']);
  });
});

describe('evaluator: hooks and tables', () => {
  it('tables in kernel order at each hook; the first non-ACCEPT verdict stops the hook', () => {
    const all: Partial<Record<TableName, Chains>> = {
      raw: { OUTPUT: { rules: [{ j: 'LOG' }] }, PREROUTING: { rules: [{ j: 'LOG' }] } },
      mangle: { OUTPUT: { rules: [{ j: 'LOG' }] }, INPUT: { rules: [{ j: 'LOG' }] }, FORWARD: { rules: [{ j: 'LOG' }] }, POSTROUTING: { rules: [{ j: 'LOG' }] }, PREROUTING: { rules: [{ j: 'LOG' }] } },
      nat: { OUTPUT: { rules: [{ j: 'LOG' }] }, INPUT: { rules: [{ j: 'LOG' }] }, POSTROUTING: { rules: [{ j: 'LOG' }] }, PREROUTING: { rules: [{ j: 'LOG' }] } },
      filter: { OUTPUT: { rules: [{ j: 'LOG' }] }, INPUT: { rules: [{ j: 'LOG' }] }, FORWARD: { rules: [{ j: 'LOG' }] } },
      security: { OUTPUT: { rules: [{ j: 'LOG' }] }, INPUT: { rules: [{ j: 'LOG' }] }, FORWARD: { rules: [{ j: 'LOG' }] } },
    };
    const order = (hook: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING'): string => evaluateHook(ns(all), hook, pkt(), env).tables.map((t) => `${t.table}:${t.status}`).join(' ');
    assert.equal(order('PREROUTING'), 'raw:evaluated mangle:evaluated nat:evaluated');
    assert.equal(order('INPUT'), 'mangle:evaluated filter:evaluated security:evaluated nat:evaluated');
    assert.equal(order('FORWARD'), 'mangle:evaluated filter:evaluated security:evaluated');
    assert.equal(order('OUTPUT'), 'raw:evaluated mangle:evaluated nat:evaluated filter:evaluated security:evaluated');
    assert.equal(order('POSTROUTING'), 'mangle:evaluated nat:evaluated');
    const dropInMangle = ns({ ...all, mangle: { ...all.mangle, INPUT: { rules: [{ j: 'DROP' }] } } });
    const r = evaluateHook(dropInMangle, 'INPUT', pkt(), env);
    assert.deepEqual([r.verdict, r.tables.map((t) => t.table)], ['DROP', ['mangle']]);
    assert.equal(r.decidedBy, hookHits(r)[0]);
  });

  it('filter decides the hook\'s rule when it accepts; a later table may still override', () => {
    const rules = ns({ filter: { INPUT: { rules: [{ j: 'ACCEPT' }] } }, security: { INPUT: { rules: [{ j: 'DROP' }] } } });
    const r = evaluateHook(rules, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'DROP');
    assert.equal(r.decidedBy?.table, 'security');
    const ok = evaluateHook(ns({ filter: { INPUT: { rules: [{ j: 'ACCEPT' }] } } }), 'INPUT', pkt(), env);
    assert.equal(ok.decidedBy?.table, 'filter');
    const mangleOnly = evaluateHook(ns({ mangle: { INPUT: { rules: [{ j: 'ACCEPT' }] } } }), 'INPUT', pkt(), env);
    assert.equal(mangleOnly.decidedBy, undefined);
  });

  it('what is missing: raw (noted once), security (silently absent), a table or builtin chain not captured', () => {
    const partial = new NamespaceRules().add(parseDumpText('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LOG\nCOMMIT\n'), 'filter.S');
    const out = evaluateHook(partial, 'OUTPUT', pkt(), env);
    assert.deepEqual(out.tables.map((t) => `${t.table}:${t.status}`), ['mangle:not-captured', 'nat:not-captured', 'filter:not-captured']);
    assert.deepEqual(out.notes, [
      'raw table not captured: assumed empty',
      'table mangle was not captured for this namespace: OUTPUT assumed to ACCEPT',
      'table nat was not captured for this namespace: OUTPUT assumed to ACCEPT',
      'chain filter/OUTPUT is not in the captured dump: assumed empty with policy ACCEPT',
    ]);
    assert.equal(out.uncertain, true);
    const inp = evaluateHook(partial, 'INPUT', pkt(), env);
    assert.equal(inp.tables.find((t) => t.table === 'filter')?.status, 'evaluated');
    assert.equal(inp.tables.some((t) => t.table === 'security'), false);
    // a whole iptables-save: a missing table is not in use, raw included, and nothing is uncertain
    const whole = new NamespaceRules().add(parseDumpText('*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'), 'save', true);
    const w = evaluateHook(whole, 'OUTPUT', pkt(), env);
    assert.deepEqual(w.tables.map((t) => `${t.table}:${t.status}`), ['raw:not-in-use', 'mangle:not-in-use', 'nat:not-in-use', 'filter:evaluated']);
    assert.deepEqual([w.uncertain, w.notes], [false, []]);
  });

  it('packets after the first skip nat; ESTABLISHED in the original direction gets the first packet\'s binding', () => {
    const rules = ns({ nat: { PREROUTING: { rules: [{ p: 'tcp', j: 'DNAT', to: { 'to-destination': ['10.0.0.5:8080'] } }] }, OUTPUT: { rules: [] } } });
    const note = 'nat PREROUTING not traversed: only the first packet of a connection (ctstate NEW) sees the nat table; conntrack applies its bindings';
    const est = (state: 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED', dir: 'ORIGINAL' | 'REPLY' = 'ORIGINAL'): Packet => { const p = pkt(); return { ...p, ct: { ...p.ct, state, dir } }; };
    for (const state of ['ESTABLISHED', 'RELATED'] as const) {
      const r = evaluateHook(rules, 'PREROUTING', est(state), env);
      assert.deepEqual([r.packet.dst, r.packet.dport, r.packet.ct.state], ['10.0.0.5', 8080, state]);
      assert.deepEqual(hookHits(r), []);
      assert.equal(r.tables.find((t) => t.table === 'nat')?.status, 'nat-skipped');
      assert.deepEqual(r.notes, [`${note}: DNAT 192.168.1.2:80 → 10.0.0.5:8080 (the binding its first packet got from the current rules)`]);
      assert.match(r.rewrites[0].rule ?? '', /^conntrack binding of: -A PREROUTING /);
    }
    for (const p of [est('INVALID'), est('UNTRACKED'), est('ESTABLISHED', 'REPLY')]) {
      const r = evaluateHook(rules, 'PREROUTING', p, env);
      assert.deepEqual([r.packet.dst, r.rewrites, r.notes], ['192.168.1.2', [], [note]]);
    }
    const none = evaluateHook(ns({ nat: { PREROUTING: { rules: [{ p: 'udp', j: 'DNAT', to: { 'to-destination': ['10.0.0.5'] } }] } } }), 'PREROUTING', est('ESTABLISHED'), env);
    assert.deepEqual([none.packet.dst, none.notes], ['192.168.1.2', [`${note} (the connection's first packet got no translation here)`]]);
  });

  it('isLocalAddress: the namespace\'s own addresses and loopback', () => {
    assert.equal(isLocalAddress('192.168.1.2', env), true);
    assert.equal(isLocalAddress('127.0.0.9', env), true);
    assert.equal(isLocalAddress('192.168.1.3', env), false);
  });
});

describe('namespace rules', () => {
  it('merging dumps: the first dump of a chain wins (warned), an empty declaration only brings a policy', () => {
    const a = parseDumpText('*filter\n-A INPUT -j DROP\nCOMMIT\n');
    const b = parseDumpText('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
    const n = new NamespaceRules().add(a, 'a.S').add(b, 'b.S');
    assert.deepEqual(n.diagnostics.map((d) => [d.severity, d.source, d.message]), [['warning', 'b.S', 'chain filter/INPUT is in both a.S and b.S: using a.S']]);
    assert.equal(evaluateHook(n, 'INPUT', pkt(), env).verdict, 'DROP');
    const pol = new NamespaceRules().add(a, 'a.S').add(parseDumpText('*filter\n:INPUT DROP [0:0]\nCOMMIT\n'), 'p.S');
    assert.equal(pol.chain('filter', 'INPUT')?.chain.policy, 'DROP');
    assert.equal(pol.chain('filter', 'INPUT')?.source, 'a.S');
    assert.deepEqual(pol.sources, ['a.S', 'p.S']);
    assert.deepEqual(pol.tableNames(), ['filter']);
    assert.equal(pol.allTables, false);
    // an empty declaration does not replace a known policy
    const keep = new NamespaceRules().add(parseDumpText('*filter\n:INPUT DROP [0:0]\n-A INPUT -j LOG\nCOMMIT\n'), 'x').add(parseDumpText('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), 'y');
    assert.equal(keep.chain('filter', 'INPUT')?.chain.policy, 'DROP');
  });

  it('parse diagnostics carry the dump name and a 1-based line', () => {
    const n = new NamespaceRules().add(parseDumpText('*filter\n-A INPUT -p tcp --dport 99999 -j DROP\nCOMMIT\n'), 'f.S');
    assert.equal(n.diagnostics.length, 1);
    assert.equal(n.diagnostics[0].line, 2);
    assert.match(n.diagnostics[0].source, /^f\.S: /);
  });

  it('withChains: a copy with chains replaced or added, renumbered; the original untouched', () => {
    const base = ns({ filter: { FORWARD: { policy: 'DROP', rules: [{ j: 'DOCKER-USER' }] }, 'DOCKER-USER': { rules: [{ j: 'RETURN' }] } } });
    const rule = buildRuleset({ filter: { X: { rules: [{ j: 'DROP' }, { j: 'ACCEPT' }] } } }).rules;
    const copy = base.withChains([{ table: 'filter', name: 'DOCKER-USER', rules: rule }, { table: 'raw', name: 'PREROUTING', rules: [] }], 'what-if');
    const du = copy.chain('filter', 'DOCKER-USER');
    assert.deepEqual([du?.source, du?.chain.builtin, du?.chain.rules.map((r) => [r.chain, r.index, r.table])], ['what-if', false, [['DOCKER-USER', 0, 'filter'], ['DOCKER-USER', 1, 'filter']]]);
    assert.equal(copy.chain('raw', 'PREROUTING')?.chain.builtin, true);
    assert.equal(copy.chain('filter', 'FORWARD'), base.chain('filter', 'FORWARD'));
    assert.deepEqual([copy.allTables, copy.sources], [true, ['dump', 'what-if']]);
    assert.equal(base.chain('filter', 'DOCKER-USER')?.chain.rules.length, 1);
    assert.equal(base.hasTable('raw'), false);
    assert.equal(evaluateHook(copy, 'FORWARD', pkt(), env).verdict, 'DROP');
    const pol = base.withChainReplaced('filter', 'FORWARD', [], 'x');
    assert.equal(pol.chain('filter', 'FORWARD')?.chain.policy, 'DROP');
    assert.deepEqual(pol.chains('filter').map((c) => c.chain.name).sort(), ['DOCKER-USER', 'FORWARD', 'INPUT', 'OUTPUT']);
    assert.deepEqual(base.chains('nat'), []);
  });
});

describe('prefilter: what it rules out is never compiled', () => {
  it('rules decided by protocol, addresses, interfaces and marks alone need no closure', () => {
    const rules: RuleSpec[] = [
      { p: 'udp', j: 'DROP' },
      { s: '10.1.0.0/16', j: 'DROP' },
      { d: '192.168.1.0/24', p: 'udp', j: 'DROP' },
      { i: 'eth1', j: 'DROP' },
      { o: 'eth0', j: 'DROP' },
      { m: [['mark', { mark: ['0x1/0x1'] }]], j: 'DROP' },
      { s: '10.0.0.0/8', p: 'tcp', i: 'eth0', j: 'ACCEPT' },
    ];
    const n = ns({ filter: { INPUT: { policy: 'DROP', rules } } });
    const r = evaluateHook(n, 'INPUT', pkt(), env);
    assert.deepEqual(path(r), ['filter/INPUT#7:ACCEPT']);
    const compiled = n.chain('filter', 'INPUT')?.compiled;
    assert.ok(compiled);
    assert.deepEqual(Array.from(compiled.tests, (t) => t !== undefined), [false, false, false, false, false, false, false]);
    // a rule with a module needs its closure; an IPv6 packet cannot use the address prefilter
    const m = ns({ filter: { INPUT: { rules: [{ p: 'tcp', m: [['tcp', { dport: ['81'] }]], j: 'DROP' }, { s: '10.0.0.0/8', j: 'DROP' }] } } });
    evaluateHook(m, 'INPUT', pkt({ src: 'fe80::1' }), env);
    assert.deepEqual(Array.from(m.chain('filter', 'INPUT')?.compiled?.tests ?? [], (t) => t !== undefined), [true, true]);
  });
});
