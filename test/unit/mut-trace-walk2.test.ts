// More of the hop walk (src/core/trace/hops.ts, walk.ts) on the hand-written bridge host of trace-walk-scenario.ts:
// hop records (ids, node, namespace kind, interfaces), the container named at delivery, an undecidable match named
// with its rule, and what a node's ingress_sbox says when a published port is not served by the routing mesh.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceInfo } from '../../src/core/model';
import type { NamespaceDumps } from '../../src/core/trace/types';
import { FILTER, hop, NAT, run } from './trace-walk-scenario';

const HEAD = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

describe('hop records', () => {
  it('ids in order, node and namespace kind, the interfaces of each hook', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:22' });
    assert.deepEqual(r.path.hops.map((h) => h.id), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(r.path.hops.map((h) => `${h.node}/${h.nsKind}`), Array(6).fill('n1/host'));
    assert.deepEqual(hop(r, 'PREROUTING').iface, { in: 'eth0', out: undefined });
    const f = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o docker0 -j ACCEPT\n') });
    assert.deepEqual(hop(f, 'FORWARD (filter)').iface, { in: 'eth0', out: 'docker0' });
    assert.equal(hop(f, 'delivered').detail[0], 'TCP 172.17.0.2:80 in c1 — web; whether a process listens on port 80 is not known from the dumps');
    assert.deepEqual(f.path.hops.filter((h) => h.namespace === 'c1').map((h) => h.nsKind), Array(5).fill('container'));
  });

  it('an undecidable match: the hop says which rule and why', () => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8080' }, { hostDump: NAT + FILTER('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -m owner --uid-owner 0 -j ACCEPT\n') });
    assert.deepEqual(hop(r, 'FORWARD (filter)').uncertain, ['filter/FORWARD #2: unsupported match -m owner --uid-owner (the sending process is not traced): treated as may-match']);
  });
});

describe('a published port the routing mesh does not serve: what the ingress_sbox says', () => {
  const svc: ServiceInfo = { id: 's1', name: 'web', mode: 'replicated', ports: [{ protocol: 'tcp', targetPort: 80, publishedPort: 8081 }], vips: [], tasks: [] };
  const fact = (sbox: NamespaceDumps): string => {
    const r = run({ from: '198.18.0.9', to: '198.18.0.2:8081' }, { hostDump: NAT + FILTER(''), services: [svc], sbox });
    const last = r.path.hops.at(-1);
    assert.equal(last?.verdict, 'DROP');
    assert.equal(last?.drop, `no routing-mesh DNAT for published port 8081 on n1; ${last?.detail[2]}`);
    return last?.detail[2] ?? '';
  };
  it('no capture, IPVS absent, not installed, FWM services or none (ipvsadm texts as printed, seed outputs)', () => {
    assert.equal(fact({ rules: [] }), 'no ipvsadm output captured for n1/ingress_sbox');
    assert.equal(fact({ rules: [], ipvs: { text: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?", source: 'ipvsadm' } }), 'n1/ingress_sbox: IPVS is absent in this kernel (ipvsadm: "Protocol not available"): Docker cannot program the routing mesh without IPVS');
    assert.equal(fact({ rules: [], ipvs: { text: `${HEAD}FWM  256 rr\n  -> 10.0.0.7:0                   Masq    1      0          0\nFWM  257 rr\n`, source: 'ipvsadm' } }), 'n1/ingress_sbox IPVS has FWM services 256, 257');
    assert.equal(fact({ rules: [], ipvs: { text: `${HEAD}TCP  10.0.0.2:80 rr\n`, source: 'ipvsadm' } }), 'n1/ingress_sbox IPVS has no FWM service');
    assert.equal(fact({ rules: [], ipvs: { text: 'ipvsadm: command not found', source: 'ipvsadm' } }), 'n1/ingress_sbox: ipvsadm is not installed on this node');
  });
});
