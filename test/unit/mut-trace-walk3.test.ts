// The hop walk's branches one by one (src/core/trace/walk.ts, hops.ts, routing.ts) on the bridge host of
// trace-walk-scenario.ts: a drop at each hook ends the path there, a forwarded packet without a route, which hits
// decide a hop, the loop guard's own hop, published ports and the service named at delivery.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceInfo } from '../../src/core/model';
import { FILTER, hop, hops, NAT, run } from './trace-walk-scenario';

const HEAD = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const EST = '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n';

describe('a drop ends the path at its hook', () => {
  const save = (table: string, chain: string, rule: string): string => `*${table}\n:${chain} ACCEPT [0:0]\n-A ${chain} ${rule}\nCOMMIT\n`;
  it('PREROUTING, INPUT, OUTPUT, POSTROUTING', () => {
    for (const [dump, hook] of [[save('mangle', 'PREROUTING', '-j DROP'), 'PREROUTING'], [save('filter', 'INPUT', '-j DROP'), 'INPUT']] as const) {
      const r = run({ from: '198.18.0.9', to: '198.18.0.2:22' }, { hostDump: dump });
      assert.equal(r.path.hops.at(-1)?.title.startsWith(hook), true, hops(r).join(' | '));
      assert.equal(r.path.hops.at(-1)?.verdict, 'DROP');
      assert.match(r.summary[0], /^DROPPED in n1\/host: /);
    }
    const out = run({ from: '127.0.0.1', to: '127.0.0.1:22' }, { hostDump: save('filter', 'OUTPUT', '-j DROP') });
    assert.equal(out.path.hops.at(-1)?.title.startsWith('OUTPUT'), true, hops(out).join(' | '));
    assert.match(out.summary[0], /^DROPPED in n1\/host: /);
    const post = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER(`${EST}-A FORWARD -o docker0 -j ACCEPT\n`) + save('mangle', 'POSTROUTING', '-j DROP') });
    assert.equal(post.path.hops.at(-1)?.title.startsWith('POSTROUTING'), true, hops(post).join(' | '));
    assert.match(post.summary[0], /^DROPPED in n1\/host: /);
  });
});

describe('routing and hops', () => {
  it('a forwarded packet without a route: dropped at the routing decision', () => {
    const dnat = NAT.replace('--to-destination 172.17.0.2:80', '--to-destination 10.99.0.5:80');
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: dnat + FILTER(''), hostRoutes: [] });
    const rh = hop(r, 'routing decision: no route');
    assert.deepEqual([rh.verdict, rh.drop, rh.rewrites], ['DROP', 'no route to 10.99.0.5 in host', []]);
    assert.deepEqual(r.summary, ['DROPPED in n1/host: no route to 10.99.0.5 in host']);
  });

  it('which hits decide: the deciding rule and a NAT rule, not a LOG or MARK rule; no drop text on an accepting hop', () => {
    const mangle = '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-mark 0x1\nCOMMIT\n';
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: mangle + NAT + FILTER(`-A FORWARD -j LOG\n${EST}-A FORWARD -o docker0 -j ACCEPT\n`) });
    const pre = hop(r, 'PREROUTING');
    assert.deepEqual(pre.rules.map((x) => [x.table, x.effect.split(' ')[0], x.decided]), [['mangle', 'mark', false], ['mangle', 'policy', false], ['nat', 'DNAT', true]]);
    assert.equal(pre.drop, undefined);
    const fwd = hop(r, 'FORWARD (filter)');
    assert.deepEqual(fwd.rules.map((x) => [x.position, x.decided]), [[1, false], [3, true]]);
    assert.equal(fwd.drop, undefined);
    assert.deepEqual(hop(r, 'routing decision').rewrites, []);
  });

  it('the loop guard: one hop that says so, and the path ends unknown', () => {
    const r = run({ from: 'web', to: '8.8.8.8:53', proto: 'udp' }, { hostRoutes: [{ dst: 'default', gateway: '172.17.0.2', dev: 'docker0' }] });
    const stops = r.path.hops.filter((h) => h.title === 'trace stopped');
    assert.equal(stops.length, 1);
    assert.deepEqual([stops[0].kind, stops[0].verdict], ['unknown', 'UNKNOWN']);
    assert.equal(r.path.outcome?.kind, 'unknown');
  });
});

describe('published ports and delivery', () => {
  const svc: ServiceInfo = { id: 's1', name: 'web', mode: 'replicated', ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 8081 }], vips: [], tasks: [] };
  it('the drop explains itself', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8081' }, { hostDump: NAT + FILTER(''), services: [svc] });
    const d = r.path.hops.at(-1);
    assert.deepEqual([d?.kind, d?.verdict], ['drop', 'DROP']);
    assert.deepEqual(d?.detail.slice(0, 2), [
      'the host nat table has no DOCKER-INGRESS DNAT for tcp/8081: the packet stays addressed to n1 itself and goes up to the host\'s sockets',
      'the routing mesh does not listen on the host: nothing takes the connection (TCP reset / ICMP port unreachable)',
    ]);
  });
  it('a packet the host DNATed to itself is not a published port left unserved', () => {
    const self = NAT.replace('--to-destination 172.17.0.2:80', '--to-destination 198.18.0.2:8081');
    assert.deepEqual(run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: self + FILTER(''), services: [svc] }).summary, ['delivered to 198.18.0.2:8081 in n1/host']);
  });
  it('a packet without ports never matches a port that is not published', () => {
    const unpublished: ServiceInfo = { ...svc, ports: [{ protocol: 'icmp', targetPort: 0 }] };
    assert.deepEqual(run({ from: '198.18.0.9', to: '198.18.0.2', proto: 'icmp' }, { services: [unpublished] }).summary, ['delivered to 198.18.0.2 in n1/host']);
  });
  it('an ingress_sbox known by name only', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8081' }, { hostDump: NAT + FILTER(''), services: [svc], sboxName: 'ingress_sbox', sbox: { rules: [], ipvs: { text: `${HEAD}FWM  256 rr\n`, source: 'ipvsadm' } } });
    assert.equal(r.path.hops.at(-1)?.detail[2], 'n1/ingress_sbox IPVS has FWM services 256');
  });
  it('the container and its service at delivery', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER(`${EST}-A FORWARD -o docker0 -j ACCEPT\n`), c1Containers: [{ id: 'abcdef123456', name: 'web.1.x', serviceName: 'web' }, { id: '0123456789ab', name: 'sidecar' }] });
    assert.equal(hop(r, 'delivered').detail[0], 'TCP 172.17.0.2:80 in c1 — web.1.x (service web), sidecar; whether a process listens on port 80 is not known from the dumps');
  });
});
