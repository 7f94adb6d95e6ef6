// The evaluator's prefilter (flat typed arrays of protocol / address / interface / mark conditions, computed lazily
// per chain) is a speed trick: it must pick exactly the rule the readable per-rule test (ruleMatches, the compiled
// closure) picks. Seeded random chains and packets, including the forms the prefilter must leave to the closure
// (negations, wildcards, non-contiguous masks, inet_aton forms, names, IPv6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleset, type RuleSpec } from '../../src/core/trace/build';
import { evaluateHook, NamespaceRules, ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { prng } from '../prng';

const SEED = 20261206;

test('prefilter + closures pick the same rule as ruleMatches, rule by rule (seeded)', () => {
  const r = prng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = (s: string): string => (r() < 0.2 ? `!${s}` : s);
  const addrs = ['10.0.0.0/8', '10.1.2.3', '10.1.2.3/32', '10.1.0.0/255.255.0.0', '10.0.0.0/255.0.255.0', '10.1/16', '0.0.0.0/0', '192.168.1.0/24', 'localhost', 'fe80::1/64', '10.1.2.0/24', '10.1.2.77/24', '10.1.9.9/16'];
  const ifaces = ['eth0', 'eth1', 'eth+', 'docker_gwbridge', 'veth+'];
  const env = { ifaceAddresses: {} };
  let compared = 0;
  for (let round = 0; round < 60; round++) {
    const rules: RuleSpec[] = [];
    for (let i = 0; i < 40; i++) {
      const spec: RuleSpec = { j: pick(['ACCEPT', 'DROP', 'REJECT']) };
      if (r() < 0.5) spec.p = maybe(pick(['tcp', 'udp', 'icmp', '6', 'all']));
      if (r() < 0.5) spec.s = maybe(pick(addrs));
      if (r() < 0.4) spec.d = maybe(pick(addrs));
      if (r() < 0.4) spec.i = maybe(pick(ifaces));
      if (r() < 0.3) spec.o = maybe(pick(ifaces));
      if (r() < 0.3) spec.m = [['mark', { [r() < 0.2 ? '!mark' : 'mark']: [pick(['0x1', '0x100/0xff00', '0x0/0x1', '256'])] }]];
      rules.push(spec);
    }
    const chain = buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules } } }).tables.get('filter')?.chains.get('FORWARD')?.rules ?? [];
    const ns = new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules } } }), 'random', true);
    for (let k = 0; k < 30; k++) {
      const p: Packet = {
        ...newPacket({ src: pick(['10.1.2.3', '10.2.0.9', '192.168.1.7', '127.0.0.1', 'fe80::1']), dst: pick(['10.1.2.3', '10.0.5.1', '192.168.1.1']), proto: pick(['tcp', 'udp', 'icmp']), sport: 1234, dport: 80, inIface: pick(['eth0', 'eth1', 'veth9', undefined]) }),
        outIface: pick(['docker_gwbridge', 'eth0', undefined]),
        mark: pick([0, 1, 0x100, 0x1ff, 0x200]),
      };
      const ref = chain.findIndex((rule) => ruleMatches(rule, p, env, 'FORWARD').matched);
      const got = evaluateHook(ns, 'FORWARD', p, env).tables.find((t) => t.table === 'filter')?.decidedBy;
      const gotIndex = got?.kind === 'rule' ? got.position - 1 : -1;
      assert.equal(gotIndex, ref, `round ${round} packet ${JSON.stringify(p)}: rule ${ref + 1} is the first match by ruleMatches`);
      compared++;
    }
  }
  assert.equal(compared, 1800);
});
