/**
 * docker-user/swarm-port (src/core/lint/rules/swarmPort.ts): DOCKER-USER rules on the Swarm ports or ESP, which are
 * addressed to the node (INPUT/OUTPUT) and never pass FORWARD. Expected answers written from Docker's Swarm ports
 * (2377/tcp, 7946/tcp+udp, 4789/udp or --data-path-port, ESP) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'docker-user/swarm-port';
const msg = (what: string, plane: string): string => `${what} is Swarm traffic addressed to this node (${plane}): it passes INPUT/OUTPUT, never FORWARD, so DOCKER-USER never sees it and this rule does nothing for it. Filter Swarm ports in INPUT.`;

test('swarm-port: each Swarm port and ESP, pointed at the port option or the protocol, with its plane named', () => {
  const lines = [
    'iptables -I DOCKER-USER -p tcp --dport 2377 -j DROP',
    'iptables -I DOCKER-USER -p udp --dport 4789 -j DROP',
    'iptables -I DOCKER-USER -p udp --dport 7946 -j DROP',
    'iptables -I DOCKER-USER -p esp -j DROP',
    'iptables -I DOCKER-USER -p 50 -j DROP',
    'iptables -I DOCKER-USER ! -p esp -j DROP', // everything but ESP
    'iptables -I DOCKER-USER -p tcp ! --dport 2377 -j DROP', // everything but 2377
    'iptables -I DOCKER-USER -p tcp --dport 1:65535 -j DROP', // a wide range is not about Swarm
    'iptables -I DOCKER-USER -p tcp --dport 2370:2380 -j DROP', // a narrow range around 2377 is
    'iptables -I DOCKER-USER -p tcp -m multiport --dports 80,7946 -j DROP',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 2377 -j DROP',
    'iptables -I INPUT -p tcp --dport 2377 -j DROP', // INPUT is the right place
    'iptables -D DOCKER-USER -p tcp --dport 2377 -j DROP',
    'iptables -I DOCKER-USER -p tcp --sport 2377 -j DROP', // a source port
    'iptables -I DOCKER-USER -p tcp -j DROP',
    'iptables -t nat -I DOCKER-USER -p tcp --dport 2377 -j DROP',
  ];
  const ds = raw(`${lines.join('\n')}\n`, CODE);
  assert.deepEqual(at(ds), ['1:31-43', '2:31-43', '3:31-43', '4:27-30', '5:27-29', '9:31-48', '10:44-60', '11:44-64']);
  assert.deepEqual(ds.map((d) => d.message), [
    msg('Port 2377', 'cluster management'), msg('Port 4789', 'VXLAN data plane'), msg('Port 7946', 'gossip'),
    msg('ESP', 'encrypted overlay data plane'), msg('ESP', 'encrypted overlay data plane'),
    msg('Port 2377', 'cluster management'), msg('Port 7946', 'gossip'), msg('Port 2377', 'cluster management'),
  ]);
  assert.ok(ds.every((d) => d.severity === 'warning' && d.fixes.length === 0));
});

test('swarm-port: the node\'s own control and data-path ports (--listen-addr :3377, --data-path-port 5789) replace the defaults', () => {
  const ctx = { swarmPorts: { controlPort: 3377, dataPathPort: 5789 } };
  const text = 'iptables -I DOCKER-USER -p tcp --dport 2377 -j DROP\niptables -I DOCKER-USER -p tcp --dport 3377 -j DROP\niptables -I DOCKER-USER -p udp --dport 5789 -j DROP\niptables -I DOCKER-USER -p udp --dport 4789 -j DROP\n';
  const ds = raw(text, CODE, ctx);
  assert.deepEqual(at(ds), ['2:31-43', '3:31-43']);
  assert.deepEqual(ds.map((d) => d.message), [msg('Port 3377', 'cluster management'), msg('Port 5789', 'VXLAN data plane')]);
  // the node's own rules are not the user's
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -j DROP\n', CODE, { filterRules: '-N DOCKER-USER\n-A DOCKER-USER -p tcp -m tcp --dport 2377 -j DROP\n' }), []);
});
