/**
 * docker-user/cuts-egress (src/core/lint/rules/cutsEgress.ts): a DROP/REJECT in DOCKER-USER without interface or
 * address condition also takes the containers' own outgoing connections. Expected answers written from Docker's
 * forwarding path (container egress enters FORWARD from docker0 / br-… / docker_gwbridge) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, one, raw } from './mut-lint-helpers';

const CODE = 'docker-user/cuts-egress';
const msg = (t: string, flow: string, ext: string): string => `This ${t} has no interface or address condition: besides incoming traffic it takes every connection your containers open to the outside (and its replies), e.g. ${flow}. Limit it to the external interface (-i ${ext}) and accept RELATED,ESTABLISHED before it.`;

test('cuts-egress: the default deny after a port allow (a shape of many "secure DOCKER-USER" guides)', () => {
  const text = 'iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\niptables -A DOCKER-USER -p tcp --dport 80 -j RETURN\niptables -A DOCKER-USER -j DROP\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 2, start: 0, end: 31 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, msg('DROP', 'container egress docker0 → eth0 tcp/443', 'eth0'));
  assert.deepEqual(d.fixes, []);
});

test('cuts-egress: both branches of github-harden-drop-before-return are judged each without the other', () => {
  // test/fixtures/lint/real-world/github-harden-drop-before-return.rules (expects 14 and 16)
  const text = `iptables -I DOCKER-USER -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -I DOCKER-USER -i lo -j ACCEPT
if [ -n "$return_line" ]; then
  iptables -I DOCKER-USER "$return_line" -j DROP
else
  iptables -A DOCKER-USER -j DROP
fi
`;
  assert.deepEqual(at(raw(text, CODE)), ['4:2-48', '6:2-33']);
});

test('cuts-egress: the external interface is the one the rules name; REJECT named; a bridge let through is not cut', () => {
  const text = `*filter
:DOCKER-USER - [0:0]
-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
-A DOCKER-USER -i ens3 -p tcp --dport 80 -j RETURN
-A DOCKER-USER -p tcp -j REJECT
-A DOCKER-USER -s 10.0.0.0/8 -j DROP
-A DOCKER-USER -i docker0 -j RETURN
-A DOCKER-USER -j DROP
COMMIT
`;
  const ds = raw(text, CODE);
  // -s 10.0.0.0/8 has an address condition: not a candidate; the last DROP still cuts br-… egress
  assert.deepEqual(at(ds), ['5:0-31', '8:0-22']);
  assert.equal(ds[0].message, msg('REJECT', 'container egress docker0 → ens3 tcp/443', 'ens3'));
  assert.equal(ds[1].message, msg('DROP', 'container egress br-0123456789ab → ens3 tcp/443', 'ens3'));
  // every bridge returned first: nothing cut
  const allBridges = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i docker_gwbridge -j RETURN\n-A DOCKER-USER -i docker0 -j RETURN\n-A DOCKER-USER -i br-+ -j RETURN\n-A DOCKER-USER -j DROP\nCOMMIT\n';
  assert.deepEqual(raw(allBridges, CODE), []);
  // on a Swarm host (the file names 4789) docker_gwbridge egress counts too
  const swarm = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i docker0 -j RETURN\n-A DOCKER-USER -i br-+ -j RETURN\n-A DOCKER-USER -p udp --dport 4789 -j ACCEPT\n-A DOCKER-USER -j DROP\nCOMMIT\n';
  const s = one(swarm, CODE);
  assert.equal(s.message, msg('DROP', 'container egress docker_gwbridge → eth0 tcp/443', 'eth0'));
  // without Swarm in the text, docker_gwbridge is not a bridge of the host
  assert.deepEqual(raw(swarm.replace('-A DOCKER-USER -p udp --dport 4789 -j ACCEPT\n', ''), CODE), []);
});

test('cuts-egress: not reported: conditions on an interface or destination, the node\'s own DROP, an -nL listing, no DOCKER-USER', () => {
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -o eth0 -j DROP\niptables -I DOCKER-USER -d 10.0.0.0/8 -j DROP\n', CODE), []);
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -s 198.51.100.7 -j RETURN\n', CODE, { filterRules: '-N DOCKER-USER\n-A DOCKER-USER -j DROP\n' }), []);
  assert.deepEqual(raw('Chain DOCKER-USER (1 references)\ntarget     prot opt source               destination\nDROP       all  --  0.0.0.0/0            0.0.0.0/0\n', CODE), []);
  assert.deepEqual(raw('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n', CODE), []);
});
