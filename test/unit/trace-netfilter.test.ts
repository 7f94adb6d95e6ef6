// Netfilter evaluator semantics, on rules built programmatically (no dump text involved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRule, buildRuleset, type RuleSpec } from '../../src/core/trace/build';
import { evaluateHook, hookHits, NamespaceRules, type EvalEnv } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';

const hostEnv: EvalEnv = {
  ifaceAddresses: {
    eth1: [{ address: '192.168.33.2', prefixLen: 24 }],
    docker_gwbridge: [{ address: '172.18.0.1', prefixLen: 16 }],
    lo: [{ address: '127.0.0.1', prefixLen: 8 }],
  },
};

function dnated(): Packet {
  const p = newPacket({ src: '203.0.113.10', dst: '172.18.0.2', proto: 'tcp', sport: 40000, dport: 8080, inIface: 'eth1' });
  return { ...p, outIface: 'docker_gwbridge', ct: { ...p.ct, origDst: '192.168.33.2', origDport: 8080, status: ['DNAT'] } };
}

const forward27: RuleSpec[] = [
  { j: 'DOCKER-USER' },
  { j: 'DOCKER-ISOLATION-STAGE-1' },
  { o: 'docker_gwbridge', m: [['conntrack', { ctstate: ['RELATED,ESTABLISHED'] }]], j: 'ACCEPT' },
  { o: 'docker_gwbridge', j: 'DOCKER' },
  { i: 'docker_gwbridge', o: '!docker_gwbridge', j: 'ACCEPT' },
];
const iso = {
  'DOCKER-ISOLATION-STAGE-1': { rules: [{ i: 'docker_gwbridge', o: '!docker_gwbridge', j: 'DOCKER-ISOLATION-STAGE-2' }, { j: 'RETURN' }] },
  'DOCKER-ISOLATION-STAGE-2': { rules: [{ o: 'docker_gwbridge', j: 'DROP' }, { j: 'RETURN' }] },
};

function layout27(withIngress: boolean): NamespaceRules {
  const fwd = withIngress ? [forward27[0], { j: 'DOCKER-INGRESS' }, ...forward27.slice(1)] : forward27;
  return new NamespaceRules().add(
    buildRuleset({
      filter: {
        FORWARD: { policy: 'DROP', rules: fwd },
        DOCKER: { rules: [] },
        'DOCKER-USER': { rules: [{ j: 'RETURN' }] },
        'DOCKER-INGRESS': { rules: withIngress ? [{ p: 'tcp', m: [['tcp', { dport: ['8080'] }]], j: 'ACCEPT' }, { j: 'RETURN' }] : [] },
        ...iso,
      },
    }),
    'filter27',
  );
}

function layout28(): NamespaceRules {
  return new NamespaceRules().add(
    buildRuleset({
      filter: {
        FORWARD: {
          policy: 'DROP',
          rules: [
            { j: 'DOCKER-USER' },
            { j: 'DOCKER-INGRESS' },
            { m: [['set', { 'match-set': ['docker-ext-bridges-v4', 'dst'] }], ['conntrack', { ctstate: ['RELATED,ESTABLISHED'] }]], j: 'ACCEPT' },
            { j: 'DOCKER-ISOLATION-STAGE-1' },
            { m: [['set', { 'match-set': ['docker-ext-bridges-v4', 'dst'] }]], j: 'DOCKER' },
          ],
        },
        DOCKER: { rules: [{ i: '!docker_gwbridge', o: 'docker_gwbridge', j: 'DROP' }] },
        'DOCKER-USER': { rules: [{ j: 'RETURN' }] },
        'DOCKER-INGRESS': { rules: [{ p: 'tcp', m: [['tcp', { dport: ['8080'] }]], j: 'ACCEPT' }, { j: 'RETURN' }] },
        ...iso,
      },
    }),
    'filter28',
  );
}

test('Docker ≤27 layout: filter DOCKER-INGRESS accepts the DNATed routing-mesh packet after DOCKER-USER', () => {
  const r = evaluateHook(layout27(true), 'FORWARD', dnated(), hostEnv);
  assert.equal(r.verdict, 'ACCEPT');
  assert.deepEqual(hookHits(r).map((h) => `${h.chain}:${h.effect}`), ['FORWARD:jump DOCKER-USER', 'DOCKER-USER:RETURN to FORWARD', 'FORWARD:jump DOCKER-INGRESS', 'DOCKER-INGRESS:ACCEPT']);
});

test('Docker ≤27 filter without any DOCKER-INGRESS: the packet falls to FORWARD policy DROP, and the walk says why', () => {
  const r = evaluateHook(layout27(false), 'FORWARD', dnated(), hostEnv);
  assert.equal(r.verdict, 'DROP');
  assert.equal(r.decidedBy?.kind, 'policy');
  assert.deepEqual(hookHits(r).map((h) => `${h.chain}:${h.effect}`), [
    'FORWARD:jump DOCKER-USER',
    'DOCKER-USER:RETURN to FORWARD',
    'FORWARD:jump DOCKER-ISOLATION-STAGE-1',
    'DOCKER-ISOLATION-STAGE-1:RETURN to FORWARD',
    'FORWARD:jump DOCKER',
    'FORWARD:policy DROP',
  ]);
});

test('Docker ≥28 layout with ipset: NEW accepted in DOCKER-INGRESS; replies by the ipset ctstate rule; unknown set contents are may-match', () => {
  const rules = layout28();
  const env28: EvalEnv = { ...hostEnv, ipsets: { 'docker-ext-bridges-v4': ['172.17.0.0/16', '172.18.0.0/16'] } };
  const r = evaluateHook(rules, 'FORWARD', dnated(), env28);
  assert.equal(r.verdict, 'ACCEPT');
  assert.equal(r.decidedBy?.chain, 'DOCKER-INGRESS');
  // An established packet to another port on the bridge: accepted by rule #3 (ipset + ctstate).
  const est: Packet = { ...dnated(), dport: 9999, ct: { ...dnated().ct, state: 'ESTABLISHED' } };
  const e = evaluateHook(rules, 'FORWARD', est, env28);
  assert.equal(e.verdict, 'ACCEPT');
  assert.equal(e.decidedBy?.kind === 'rule' && e.decidedBy.position, 3);
  // A NEW packet to an unpublished port is dropped by DOCKER (! -i docker_gwbridge -o docker_gwbridge).
  const other: Packet = { ...dnated(), dport: 9999 };
  const o = evaluateHook(rules, 'FORWARD', other, env28);
  assert.equal(o.verdict, 'DROP');
  assert.equal(o.decidedBy?.chain, 'DOCKER');
  // Without ipset contents the set match cannot be decided: treated as may-match and said so.
  const u = evaluateHook(rules, 'FORWARD', est, hostEnv);
  assert.equal(u.uncertain, true);
  assert.match(hookHits(u).flatMap((h) => h.unsupported).join('\n'), /unsupported match set --match-set docker-ext-bridges-v4 \(ipset contents unknown\): treated as may-match/);
});

test('what-if DOCKER-USER DROP on ctorigdstport changes the FORWARD verdict and names the rule', () => {
  const live = layout27(true);
  const drop = buildRule('filter', 'DOCKER-USER', { m: [['conntrack', { ctorigdstport: ['8080'] }]], j: 'DROP' }, 0, '-A DOCKER-USER -m conntrack --ctorigdstport 8080 -j DROP');
  const whatIf = live.withChainReplaced('filter', 'DOCKER-USER', [drop], 'what-if');
  const r = evaluateHook(whatIf, 'FORWARD', dnated(), hostEnv);
  assert.equal(r.verdict, 'DROP');
  assert.equal(r.decidedBy?.kind === 'rule' && r.decidedBy.text, '-A DOCKER-USER -m conntrack --ctorigdstport 8080 -j DROP');
  assert.equal(r.decidedBy?.source, 'what-if');
  // The live rules are untouched.
  assert.equal(evaluateHook(live, 'FORWARD', dnated(), hostEnv).verdict, 'ACCEPT');
  // --dport vs --ctorigdstport after a DNAT that changes the port: test/unit/mut-trace-dnat.test.ts (this packet's
  // DNAT keeps 8080, so it cannot tell the two apart).
});

test('nat PREROUTING: addrtype LOCAL → DOCKER-INGRESS DNAT; ESTABLISHED packets skip nat but get the binding, untracked ones none', () => {
  const rules = new NamespaceRules().add(
    buildRuleset({
      nat: {
        PREROUTING: { rules: [{ m: [['addrtype', { 'dst-type': ['LOCAL'] }]], j: 'DOCKER-INGRESS' }] },
        'DOCKER-INGRESS': { rules: [{ p: 'tcp', m: [['tcp', { dport: ['8080'] }]], j: 'DNAT', to: { 'to-destination': ['172.18.0.2:8080'] } }, { j: 'RETURN' }] },
      },
    }),
    'nat',
  );
  const p = newPacket({ src: '203.0.113.10', dst: '192.168.33.2', proto: 'tcp', sport: 40000, dport: 8080, inIface: 'eth1' });
  const r = evaluateHook(rules, 'PREROUTING', p, hostEnv);
  assert.equal(r.packet.dst, '172.18.0.2');
  assert.equal(r.packet.ct.origDst, '192.168.33.2');
  assert.deepEqual(r.rewrites.map((w) => `${w.kind} ${w.from} → ${w.to}`), ['DNAT 192.168.33.2:8080 → 172.18.0.2:8080']);
  const notLocal = evaluateHook(rules, 'PREROUTING', { ...p, dst: '8.8.8.8' }, hostEnv);
  assert.equal(notLocal.packet.dst, '8.8.8.8');
  // conntrack translates every packet of the connection as it translated the first (nf_nat), without the table
  const est = evaluateHook(rules, 'PREROUTING', { ...p, ct: { ...p.ct, state: 'ESTABLISHED' } }, hostEnv);
  assert.equal(est.packet.dst, '172.18.0.2');
  assert.equal(est.packet.ct.state, 'ESTABLISHED');
  assert.equal(est.tables.find((t) => t.table === 'nat')?.status, 'nat-skipped');
  assert.deepEqual(est.tables.find((t) => t.table === 'nat')?.hits, []);
  const untracked = evaluateHook(rules, 'PREROUTING', { ...p, ct: { ...p.ct, state: 'UNTRACKED' } }, hostEnv);
  assert.equal(untracked.packet.dst, '192.168.33.2');
});

test('MARK --set-xmark, REDIRECT to the incoming address, SNAT only for -m ipvs packets', () => {
  const rules = new NamespaceRules().add(
    buildRuleset({
      mangle: { PREROUTING: { rules: [{ p: 'tcp', m: [['tcp', { dport: ['1080'] }]], j: 'MARK', to: { 'set-xmark': ['0x12c/0xffffffff'] } }] } },
      nat: {
        PREROUTING: { rules: [{ p: 'tcp', m: [['tcp', { dport: ['1080'] }]], j: 'REDIRECT', to: { 'to-ports': ['80'] } }] },
        POSTROUTING: { rules: [{ d: '10.255.0.0/16', m: [['ipvs', { ipvs: [] }]], j: 'SNAT', to: { 'to-source': ['10.255.0.3'] } }] },
      },
    }),
    'sbox',
  );
  const env: EvalEnv = { ifaceAddresses: { eth0: [{ address: '10.255.0.3', prefixLen: 16 }], eth1: [{ address: '172.18.0.2', prefixLen: 16 }] } };
  const p = newPacket({ src: '203.0.113.10', dst: '172.18.0.2', proto: 'tcp', sport: 40000, dport: 1080, inIface: 'eth1' });
  const pre = evaluateHook(rules, 'PREROUTING', p, env);
  assert.equal(pre.packet.mark, 0x12c);
  assert.equal(`${pre.packet.dst}:${pre.packet.dport}`, '172.18.0.2:80');
  const toBackend: Packet = { ...pre.packet, dst: '10.255.0.5', outIface: 'eth0' };
  const noIpvs = evaluateHook(rules, 'POSTROUTING', toBackend, env);
  assert.equal(noIpvs.packet.src, '203.0.113.10');
  const viaIpvs = evaluateHook(rules, 'POSTROUTING', { ...toBackend, ipvs: true }, env);
  assert.equal(viaIpvs.packet.src, '10.255.0.3');
});

test('goto, RETURN from a goto target, negation, multiport, unsupported match, missing chain', () => {
  const rules = new NamespaceRules().add(
    buildRuleset({
      filter: {
        INPUT: {
          policy: 'DROP',
          rules: [
            { j: 'A' },
            { p: 'tcp', m: [['multiport', { dports: ['22,80,8000:9000'] }]], j: 'ACCEPT' },
          ],
        },
        A: { rules: [{ g: 'B' }, { j: 'DROP' }] },
        B: { rules: [{ s: '!10.0.0.0/8', j: 'RETURN' }, { j: 'DROP' }] },
      },
    }),
    'f',
  );
  const env: EvalEnv = { ifaceAddresses: {} };
  const p = newPacket({ src: '192.0.2.1', dst: '192.0.2.2', proto: 'tcp', sport: 1, dport: 8500, inIface: 'eth0' });
  const r = evaluateHook(rules, 'INPUT', p, env);
  // RETURN in B (reached by goto from A) returns to INPUT, skipping A's DROP.
  assert.equal(r.verdict, 'ACCEPT');
  assert.deepEqual(hookHits(r).map((h) => h.effect), ['jump A', 'goto B', 'RETURN to INPUT', 'ACCEPT']);
  const inside = evaluateHook(rules, 'INPUT', { ...p, src: '10.1.1.1' }, env);
  assert.equal(inside.verdict, 'DROP');
  assert.equal(inside.decidedBy?.chain, 'B');

  const odd = new NamespaceRules().add(
    buildRuleset({ filter: { INPUT: { rules: [{ m: [['limit', { limit: ['5/s'] }]], j: 'DROP' }, { j: 'NOPE' }] } } }),
    'odd',
  );
  const o = evaluateHook(odd, 'INPUT', p, env);
  assert.equal(o.verdict, 'DROP');
  assert.equal(o.uncertain, true);
  assert.deepEqual(hookHits(o)[0].unsupported, ['unsupported match -m limit --limit 5/s (matches while the rate is under the limit: depends on traffic): treated as may-match']);
  const odd2 = new NamespaceRules().add(buildRuleset({ filter: { INPUT: { rules: [{ j: 'NOPE' }] } } }), 'odd2');
  const o2 = evaluateHook(odd2, 'INPUT', p, env);
  assert.equal(o2.verdict, 'ACCEPT');
  assert.match(hookHits(o2)[0].effect, /chain not in the dump/);
});

test('tables not captured are reported, never silently assumed', () => {
  const onlyNat = new NamespaceRules().add(buildRuleset({ nat: {} }), 'nat-only');
  const r = evaluateHook(onlyNat, 'FORWARD', dnated(), hostEnv);
  assert.equal(r.verdict, 'ACCEPT');
  assert.equal(r.uncertain, true);
  assert.ok(r.notes.some((n) => /table filter was not captured/.test(n)));
  assert.ok(r.notes.some((n) => /table mangle was not captured/.test(n)));
  // A whole-namespace iptables-save lists every table in use: one it lacks is empty, not missing.
  const full = new NamespaceRules().add(buildRuleset({ nat: {} }), 'iptables-save', true);
  const f = evaluateHook(full, 'FORWARD', dnated(), hostEnv);
  assert.equal(f.verdict, 'ACCEPT');
  assert.equal(f.uncertain, false);
  assert.deepEqual(f.notes, []);
  assert.deepEqual(f.tables.map((t) => `${t.table}:${t.status}`), ['mangle:not-in-use', 'filter:not-in-use']);
});

test('policy none DROP on VXLAN 4789 drops unencrypted overlay traffic and lets IPsec-decrypted traffic in', () => {
  const rules = new NamespaceRules().add(
    buildRuleset({ filter: { INPUT: { rules: [{ p: 'udp', m: [['udp', { dport: ['4789'] }], ['policy', { dir: ['in'], pol: ['none'] }]], j: 'DROP' }] } } }),
    'f',
  );
  const vx = newPacket({ src: '192.168.33.3', dst: '192.168.33.2', proto: 'udp', sport: 50000, dport: 4789, inIface: 'eth1' });
  assert.equal(evaluateHook(rules, 'INPUT', vx, hostEnv).verdict, 'DROP');
  assert.equal(evaluateHook(rules, 'INPUT', { ...vx, ipsecIn: true }, hostEnv).verdict, 'ACCEPT');
});

test('names that are Object.prototype properties (constructor, toString, __proto__) are plain names: sets, modules, interfaces', () => {
  const one = (rule: RuleSpec): NamespaceRules => new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules: [rule] } } }), 'hostile');
  const p: Packet = { ...newPacket({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport: 1, dport: 2, inIface: 'eth0' }), outIface: 'eth1' };
  const env: EvalEnv = { ifaceAddresses: {}, ipsets: {} };
  const said = (r: ReturnType<typeof evaluateHook>): string => hookHits(r).flatMap((h) => h.unsupported).join('\n');
  // no set of that name: contents unknown (may-match), not Object's constructor taken for a set
  const set = evaluateHook(one({ m: [['set', { 'match-set': ['constructor', 'src'] }]], j: 'DROP' }), 'FORWARD', p, env);
  assert.match(said(set), /--match-set constructor \(ipset contents unknown\)/);
  // a set that exists under such a name is used
  const env2: EvalEnv = { ifaceAddresses: {}, ipsets: Object.fromEntries([['constructor', ['10.0.0.1']]]) };
  const hit = evaluateHook(one({ m: [['set', { 'match-set': ['constructor', 'src'] }]], j: 'DROP' }), 'FORWARD', p, env2);
  assert.equal(hit.verdict, 'DROP');
  assert.equal(said(hit), '');
  // an unknown module named like an Object method is an unsupported match, said as such
  const mod = evaluateHook(one({ m: [['toString', {}]], j: 'DROP' }), 'FORWARD', p, env);
  assert.match(said(mod), /-m toString/);
  // an interface called __proto__ is just a name that does not match eth0
  assert.equal(evaluateHook(one({ i: '__proto__', j: 'DROP' }), 'FORWARD', p, env).verdict, 'ACCEPT');
});

test('conntrack --ctreplsrc/--ctrepldst: the reply tuple is known (kernel-differential case 38)', () => {
  // after DNAT to 172.18.0.2:8080 the reply comes from 172.18.0.2:8080 and goes to the client 203.0.113.10:40000
  const rules = (o: Record<string, string[]>): NamespaceRules =>
    new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules: [{ m: [['conntrack', o]], j: 'DROP' }] } } }), 'f', true);
  const p = dnated();
  const v = (o: Record<string, string[]>): string => evaluateHook(rules(o), 'FORWARD', p, hostEnv).verdict;
  assert.equal(v({ ctreplsrc: ['172.18.0.2'] }), 'DROP');
  assert.equal(v({ ctreplsrc: ['192.168.33.2'] }), 'ACCEPT');
  assert.equal(v({ ctrepldst: ['203.0.113.10'] }), 'DROP');
  assert.equal(v({ ctreplsrcport: ['8080'] }), 'DROP');
  assert.equal(v({ ctrepldstport: ['40000'] }), 'DROP');
  assert.equal(v({ ctrepldstport: ['8080'] }), 'ACCEPT');
  assert.equal(evaluateHook(rules({ ctreplsrc: ['172.18.0.2'] }), 'FORWARD', p, hostEnv).uncertain, false);
});

test('DNAT/SNAT to a range: the kernel picks one per connection, so the trace says it traced the first', () => {
  const nat = (to: string): NamespaceRules =>
    new NamespaceRules().add(buildRuleset({ nat: { PREROUTING: { rules: [{ p: 'tcp', j: 'DNAT', to: { 'to-destination': [to] } }] } } }), 'nat', true);
  const p = newPacket({ src: '203.0.113.10', dst: '192.168.33.2', proto: 'tcp', sport: 40000, dport: 8080, inIface: 'eth1' });
  const ranged = evaluateHook(nat('10.0.0.2-10.0.0.4:80'), 'PREROUTING', p, hostEnv);
  assert.equal(ranged.packet.dst, '10.0.0.2');
  assert.match(hookHits(ranged)[0].unsupported.join(), /the kernel picks one address\/port per connection/);
  const single = evaluateHook(nat('10.0.0.2-10.0.0.2:80-80'), 'PREROUTING', p, hostEnv);
  assert.deepEqual(hookHits(single)[0].unsupported, []);
});

test('conntrack --ctstatus: none on the first packet, CONFIRMED,SEEN_REPLY on the first answer (kernel-differential seed 7)', () => {
  const rules = (v: string, neg = false): NamespaceRules =>
    new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules: [{ m: [['conntrack', { [neg ? '!ctstatus' : 'ctstatus']: [v] }]], j: 'DROP' }] } } }), 'f', true);
  const first = dnated();
  const answer: Packet = { ...first, src: first.dst, dst: first.src, sport: first.dport, dport: first.sport, ct: { ...first.ct, state: 'ESTABLISHED', dir: 'REPLY' } };
  const v = (r: NamespaceRules, p: Packet): string => evaluateHook(r, 'FORWARD', p, hostEnv).verdict;
  assert.equal(v(rules('CONFIRMED'), first), 'ACCEPT'); // case 399: the kernel does not match
  assert.equal(v(rules('CONFIRMED', true), first), 'DROP'); // case 1936
  assert.equal(v(rules('NONE'), first), 'ACCEPT'); // NONE adds no bit to the mask: never matches (seed 20261206 case 65)
  assert.equal(v(rules('NONE', true), first), 'DROP');
  assert.equal(v(rules('SEEN_REPLY'), answer), 'DROP');
  assert.equal(v(rules('ASSURED'), answer), 'ACCEPT'); // case 2564
});
