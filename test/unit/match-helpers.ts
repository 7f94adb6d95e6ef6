// Shared by the match-module tests (mut-match-*.test.ts): a packet, a rule from -A text, its answer, its hover.
import assert from 'node:assert/strict';
import { parseDumpText } from '../../src/core/iptables/parse';
import type { MatchEnv } from '../../src/core/iptables/matches';
import type { Rule, RuleOption } from '../../src/core/iptables/model';
import { hoverRule } from '../../src/core/lint/hover';
import { ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';

export const env0: MatchEnv = { ifaceAddresses: { eth0: [{ address: '192.168.1.2', prefixLen: 24 }], eth1: [{ address: '10.9.0.1', prefixLen: 16 }], lo: [{ address: '127.0.0.1', prefixLen: 8 }] } };

/** TCP 10.0.0.9:40000 → 192.168.1.2:80 arriving on eth0, with changes. */
export const P = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.0.0.9', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' }), ...over });

/** The rule `-A FORWARD <text>`, which must parse without a diagnostic. */
export function rule(text: string): Rule {
  const d = parseDumpText(`*filter\n-A FORWARD ${text}\nCOMMIT\n`);
  assert.deepEqual(d.diagnostics.map((x) => x.message), [], text);
  return d.rules[0];
}

/** 'yes', 'no' or 'maybe: <reasons>' for the rule and packet. */
export function ev(text: string, p: Packet = P(), env: MatchEnv = env0): string {
  const r = ruleMatches(rule(text), p, env, 'FORWARD');
  return r.unsupported.length ? `maybe: ${r.unsupported.join('; ')}` : r.matched ? 'yes' : 'no';
}

/** The first line of the hover of `-A FORWARD <text> -j ACCEPT`. */
export const hover = (text: string): string => hoverRule(rule(`${text} -j ACCEPT`)).split('\n')[0];

export const opt = (name: string, args: string[], negated = false): RuleOption => ({ name, args, negated, span: { line: 0, start: 0, end: 0 } });
