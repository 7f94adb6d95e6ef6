/**
 * More small rules' edges: swarm/input-published-port (deletes, ports a variable holds), rules/insert-index (only
 * inserts: a replace past the end keeps the parser's own code), node/unknown-interface (a `+` wildcard no interface
 * starts with), rules/interface-wildcard (the node's own rules are not judged). Expected answers written from
 * iptables' behaviour (`-I X 3` on a short chain: "Index of insertion too big"; `-R X 3`: "Index of replacement too
 * big"; `eth+` matches every name starting with eth) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint/engine';
import type { LintContext } from '../../src/core/lint/types';
import { at, raw } from './mut-lint-helpers';

const found = (text: string, code: string, ctx?: LintContext): string[] => raw(text, code, ctx).map((d) => `${at([d])[0]} ${d.severity}`);

test('input-published-port: a delete and a port held in a variable are not judged', () => {
  const ctx: LintContext = { publishedPorts: [{ port: 8080, protocol: 'tcp', mode: 'ingress', service: 'web' }] };
  assert.deepEqual(found('iptables -A INPUT -p tcp --dport 8080 -j DROP\n', 'swarm/input-published-port', ctx), ['1:25-37 warning']);
  assert.deepEqual(found('iptables -D INPUT -p tcp --dport 8080 -j DROP\n', 'swarm/input-published-port', ctx), []);
  assert.deepEqual(found('iptables -A INPUT -p tcp --dport $WEB_PORT -j DROP\n', 'swarm/input-published-port', ctx), []);
});

test('insert-index: an insert past the end is named so; a replace past the end keeps its own code and message', () => {
  const ins = lintRules('iptables -N X\niptables -I X 3 -j DROP\n').diagnostics.filter((d) => d.code === 'rules/insert-index');
  assert.deepEqual(ins.map((d) => [at([d])[0], d.severity, d.message]), [['2:0-23', 'error', 'insert position 3 is beyond the end of X (0 rule(s) here): iptables refuses the insert ("Index of insertion too big") and the rule is not added.']]);
  const rep = lintRules('iptables -N X\niptables -R X 3 -j DROP\n').diagnostics;
  assert.deepEqual(rep.map((d) => [d.code, d.message]), [['syntax/bad-position', 'no rule 3 in X to replace (0 rule(s) here)']]);
});

test('unknown-interface: `-i eth+` on a node whose interfaces are ens3, lo, docker0 matches nothing there', () => {
  const ds = raw('iptables -A INPUT -i eth+ -j DROP\n', 'node/unknown-interface', { interfaces: [{ name: 'ens3', addresses: [] }, { name: 'lo', addresses: [] }, { name: 'docker0', addresses: [] }] });
  assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.message]), [['1:21-25', 'warning', 'There is no interface eth+ on the selected node: this match never succeeds there. Interfaces: ens3, lo, docker0.']]);
  assert.deepEqual(found('iptables -A INPUT -i en+ -j DROP\n', 'node/unknown-interface', { interfaces: [{ name: 'ens3', addresses: [] }] }), []);
});

test('interface-wildcard: the node\'s own rules (context) are not the user\'s text: not judged', () => {
  assert.deepEqual(found('iptables -A INPUT -i eth0 -j DROP\n', 'rules/interface-wildcard', { filterRules: '-A FORWARD -o br- -j DROP\n' }), []);
  assert.deepEqual(found('iptables -A FORWARD -o br- -j DROP\n', 'rules/interface-wildcard'), ['1:23-26 warning']);
});
