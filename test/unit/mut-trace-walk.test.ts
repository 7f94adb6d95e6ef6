// The tracer's hop walk (src/core/trace/walk.ts, hops.ts) on a small Docker bridge host written by hand: an
// external client reaching the host itself, a published port DNATed to a container across docker0, a FORWARD
// policy that drops it, a container without a route, a swarm published port the routing mesh does not serve.
// Expected hops follow the kernel's order (PREROUTING, routing, INPUT | FORWARD, POSTROUTING; iptables(8),
// "packet flow" of netfilter), the texts are the ones users read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceInfo } from '../../src/core/model';
import { FILTER, hop, hops, NAT, run } from './trace-walk-scenario';

describe('hop walk', () => {
  it('to the host itself without dumps: local delivery, each hook said assumed ACCEPT', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:22' });
    assert.deepEqual(hops(r), [
      'host enter ACCEPT: arrives at n1 on eth0',
      'host netfilter UNKNOWN: PREROUTING',
      'host routing ACCEPT: routing decision: local',
      'host netfilter UNKNOWN: INPUT',
      'host deliver DELIVER: delivered to a local socket 198.18.0.2:22',
      'host reply ACCEPT: reply path (conntrack)',
    ]);
    assert.deepEqual(hop(r, 'PREROUTING').uncertain, ['no iptables dump for namespace host: PREROUTING assumed to ACCEPT']);
    assert.deepEqual(hop(r, 'routing decision').detail, ['198.18.0.2 is an address of this namespace → INPUT']);
    assert.deepEqual(r.summary, ['delivered to 198.18.0.2:22 in n1/host']);
    assert.match(hop(r, 'delivered').detail[0], /^TCP 198\.18\.0\.2:22 in host; whether a process listens on port 22 is not known from the dumps$/);
  });

  it('a published port: DNAT in PREROUTING, forwarded over docker0 to the container, delivered there', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o docker0 -j ACCEPT\n') });
    assert.deepEqual(hops(r), [
      'host enter ACCEPT: arrives at n1 on eth0',
      'host netfilter ACCEPT: PREROUTING (nat)',
      'host routing FORWARD: routing decision: forward via docker0',
      'host netfilter ACCEPT: FORWARD (filter)',
      'host netfilter ACCEPT: POSTROUTING (nat)',
      'host bridge FORWARD: docker0: port vethA → c1/eth0',
      'c1 netfilter UNKNOWN: PREROUTING',
      'c1 routing ACCEPT: routing decision: local',
      'c1 netfilter UNKNOWN: INPUT',
      'c1 deliver DELIVER: delivered to a local socket 172.17.0.2:80',
      'c1 reply ACCEPT: reply path (conntrack)',
    ]);
    const pre = hop(r, 'PREROUTING (nat)');
    assert.deepEqual(pre.rewrites.map((w) => `${w.kind} ${w.from} → ${w.to}`), ['DNAT 198.18.0.2:8080 → 172.17.0.2:80']);
    assert.deepEqual(pre.rules.map((x) => [x.position, x.decided]), [[1, true]]);
    const fwd = hop(r, 'FORWARD (filter)');
    assert.deepEqual(fwd.rules.map((x) => [x.position, x.effect, x.decided]), [[2, 'ACCEPT', true]]);
    assert.deepEqual(hop(r, 'routing decision: forward').detail, ['route 172.17.0.0/16 dev docker0 (connected)']);
    assert.deepEqual(hop(r, 'docker0: port').detail, ['172.17.0.2 is on c1/eth0 (web)']);
    assert.deepEqual(r.summary, ['delivered to 172.17.0.2:80 in n1/c1']);
    const reply = hop(r, 'reply path');
    assert.ok(reply.detail.includes('  n1/host: un-DNAT 172.17.0.2:80 → 198.18.0.2:8080'), reply.detail.join('\n'));
    assert.ok(reply.detail.some((d) => /^n1\/host FORWARD for the reply .* ACCEPT by FORWARD #1: -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT$/.test(d)), reply.detail.join('\n'));
  });

  it('FORWARD policy DROP: the hop names the policy, the path ends there', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('-A FORWARD -o eth9 -j ACCEPT\n') });
    const fwd = hop(r, 'FORWARD (filter)');
    assert.equal(fwd.verdict, 'DROP');
    assert.equal(fwd.drop, 'filter/FORWARD policy DROP (no rule accepted the packet)');
    assert.deepEqual(fwd.rules.map((x) => [x.position, x.text, x.decided]), [[0, '-P FORWARD DROP', true]]);
    assert.deepEqual(r.summary, ['DROPPED in n1/host: filter/FORWARD policy DROP (no rule accepted the packet)']);
    assert.equal(r.path.hops.at(-1), fwd);
  });

  it('a DROP rule: its text without the save counters', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('[5:300] -A FORWARD -s 198.18.0.0/24 -j DROP\n') });
    assert.equal(hop(r, 'FORWARD (filter)').drop, 'filter/FORWARD rule #1: -A FORWARD -s 198.18.0.0/24 -j DROP');
    assert.deepEqual(r.summary, ['DROPPED in n1/host: filter/FORWARD rule #1: -A FORWARD -s 198.18.0.0/24 -j DROP']);
  });

  it('the reply of a delivered connection dropped in FORWARD (no ESTABLISHED rule back)', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('-A FORWARD -i eth0 -o docker0 -j ACCEPT\n') });
    const reply = hop(r, 'reply path');
    assert.equal(reply.verdict, 'DROP');
    assert.equal(reply.drop, 'reply dropped in n1/host FORWARD by policy DROP');
    assert.deepEqual(r.summary, ['delivered to 172.17.0.2:80 in n1/c1, but the REPLY is DROPPED: reply dropped in n1/host FORWARD by policy DROP']);
  });

  it('a container without a route: dropped at its routing decision', () => {
    const r = run({ from: 'web', to: '8.8.8.8:53', proto: 'udp' }, { c1Routes: [] });
    assert.deepEqual(hops(r).slice(0, 3), ['c1 enter ACCEPT: sent by a process in c1', 'c1 netfilter UNKNOWN: OUTPUT', 'c1 routing DROP: routing decision: no route']);
    assert.deepEqual(r.summary, ['DROPPED in n1/c1: no route to 8.8.8.8 in c1']);
    assert.equal(hop(r, 'sent by').detail[0], 'source 172.17.0.2 (container: web)');
  });

  it('a container to the outside: out via docker0, MASQUERADE, leaves the node', () => {
    const r = run({ from: 'web', to: '1.1.1.1:443' }, { hostDump: NAT + FILTER('-A FORWARD -i docker0 -j ACCEPT\n') });
    assert.deepEqual(r.summary, ['left n1: sent on eth0 to 198.18.0.1 (outside the traced nodes)']);
    const post = r.path.hops.filter((h) => h.title === 'POSTROUTING (nat)').at(-1);
    assert.deepEqual(post?.rewrites.map((w) => `${w.kind} ${w.from} → ${w.to}`), ['MASQUERADE 172.17.0.2:40000 → 198.18.0.2:40000']);
    assert.equal(hop(r, 'leaves n1').title, 'leaves n1 via eth0 towards 198.18.0.1');
  });

  it('a swarm published port without the routing mesh DNAT: dropped, and why', () => {
    const svc: ServiceInfo = { id: 's1', name: 'web', mode: 'replicated', ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 8081 }], vips: [], tasks: [] };
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8081' }, { hostDump: NAT + FILTER(''), services: [svc] });
    const d = hop(r, 'published port 8081');
    assert.equal(d.title, 'published port 8081 (service web): routing mesh not programmed on n1');
    assert.equal(d.drop, 'no routing-mesh DNAT for published port 8081 on n1; n1 has no ingress_sbox namespace: the node is not attached to the ingress network');
    // the same port in host mode is a plain local socket
    const hostMode = run({ from: '198.18.0.9', to: '198.18.0.2:8081' }, { hostDump: NAT + FILTER(''), services: [{ ...svc, ports: [{ ...svc.ports[0], publishMode: 'host' }] }] });
    assert.deepEqual(hostMode.summary, ['delivered to 198.18.0.2:8081 in n1/host']);
    const udp = run({ from: '198.18.0.9', to: '198.18.0.2:8081', proto: 'udp' }, { hostDump: NAT + FILTER(''), services: [svc] });
    assert.deepEqual(udp.summary, ['delivered to 198.18.0.2:8081 in n1/host']);
  });

  it('a local client and nat OUTPUT DNAT: the route is looked up again for the new destination', () => {
    const out = NAT.replace(':POSTROUTING ACCEPT [0:0]\n', ':POSTROUTING ACCEPT [0:0]\n-A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n');
    const r = run({ from: '127.0.0.1', to: '127.0.0.1:8080' }, { hostDump: out + FILTER('') });
    assert.deepEqual(hops(r).slice(0, 5), [
      'host enter ACCEPT: sent by a process on n1 (host namespace)',
      'host netfilter ACCEPT: OUTPUT (nat, filter)',
      'host routing FORWARD: routing decision: out via docker0',
      'host netfilter ACCEPT: POSTROUTING (nat)',
      'host bridge FORWARD: docker0: port vethA → c1/eth0',
    ]);
    assert.deepEqual(r.summary, ['delivered to 172.17.0.2:80 in n1/c1']);
    assert.deepEqual(r.notes, ['127.0.0.1 is a loopback address: traced as a client process on n1 itself (--entry-node to choose the node)']);
    // without the DNAT: delivered on the host's loopback
    assert.deepEqual(run({ from: '127.0.0.1', to: '127.0.0.1:8080' }, { hostDump: NAT + FILTER('') }).summary, ['delivered to 127.0.0.1:8080 in n1/host']);
  });

  it('a forwarding loop in the model stops after 40 namespace crossings and says so', () => {
    const r = run({ from: 'web', to: '8.8.8.8:53', proto: 'udp' }, { hostRoutes: [{ dst: 'default', gateway: '172.17.0.2', dev: 'docker0' }] });
    const last = r.path.hops.at(-1);
    assert.equal(last?.title, 'trace stopped');
    assert.deepEqual(last?.detail, ['more than 40 namespace crossings: a forwarding loop in the model?']);
    assert.match(r.summary[0], /^unknown in n1\/(host|c1): trace too long \(loop\?\)$/);
    assert.ok(r.path.hops.length > 80 && r.path.hops.length < 400, String(r.path.hops.length));
  });

  it('requests that cannot be resolved say so', () => {
    assert.deepEqual(run({ from: 'nosuch', to: '198.18.0.2:22' }).summary, ['cannot resolve source "nosuch": not an IP and no task/container/namespace of that name']);
    assert.deepEqual(run({ from: '198.18.0.9', to: '203.0.113.5:22' }).summary, ['no traced node has the address 203.0.113.5 (give --entry-node for a client reaching a node by another address)']);
    assert.deepEqual(run({ from: '198.18.0.9', to: 'nosvc:80' }).summary, ['cannot resolve destination "nosvc:80": not ip[:port] and no service of that name with a VIP in the models']);
    assert.deepEqual(run({ from: 'task:nosvc', to: '198.18.0.2:22' }).summary, ['cannot resolve source "task:nosvc": no such task in the models']);
  });
});
