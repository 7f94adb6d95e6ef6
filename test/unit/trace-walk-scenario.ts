// A small Docker bridge host written by hand, for the hop-walk tests (mut-trace-walk*.test.ts): host (eth0
// 198.18.0.2/24, docker0 172.17.0.1/16 with port vethA) and container c1 "web" (eth0 172.17.0.2/16 behind vethA);
// optionally an ingress_sbox with its own dumps. run() traces a request on it with the given host dumps.
import assert from 'node:assert/strict';
import type { InterfaceInfo, NamespaceInfo, NodeModel, ServiceInfo } from '../../src/core/model';
import { prepareScenario, trace } from '../../src/core/trace/tracer';
import { parseDumpText } from '../../src/core/iptables/parse';
import type { Hop, NamespaceDumps, TraceRequest, TraceResult } from '../../src/core/trace/types';

const ifc = (ifindex: number, name: string, addr: string | undefined, extra: Partial<InterfaceInfo> = {}): InterfaceInfo => ({
  ifindex, name, flags: [], addresses: addr ? [{ family: 'inet', address: addr.split('/')[0], prefixLen: Number(addr.split('/')[1]) }] : [], ...extra,
});
const host: NamespaceInfo = {
  name: 'host', path: '', kind: 'host', containers: [], fdb: [], neighbors: [],
  interfaces: [ifc(1, 'lo', '127.0.0.1/8'), ifc(2, 'eth0', '198.18.0.2/24'), ifc(3, 'docker0', '172.17.0.1/16', { kind: 'bridge' }), ifc(4, 'vethA', undefined, { kind: 'veth', master: 'docker0' })],
  routes: [{ dst: 'default', gateway: '198.18.0.1', dev: 'eth0' }],
  peers: { 4: { namespace: 'c1', ifindex: 9, name: 'eth0' } },
};
const c1 = (routes: NamespaceInfo['routes'], containers: NamespaceInfo['containers'] = [{ id: 'abcdef123456', name: 'web' }]): NamespaceInfo => ({
  name: 'c1', path: '', kind: 'container', containers, fdb: [], neighbors: [],
  interfaces: [ifc(1, 'lo', '127.0.0.1/8'), ifc(9, 'eth0', '172.17.0.2/16', { kind: 'veth' })],
  routes, peers: { 9: { namespace: 'host', ifindex: 4, name: 'vethA' } },
});
export const NAT = '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\nCOMMIT\n';
export const FILTER = (fwd: string): string => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [3:180]\n:OUTPUT ACCEPT [0:0]\n${fwd}COMMIT\n`;
const dump = (text: string): NamespaceDumps => ({ rules: [{ text, source: 'host.save', complete: true }] });

export function run(req: TraceRequest, opts: { hostDump?: string; c1Routes?: NamespaceInfo['routes']; services?: ServiceInfo[]; hostRoutes?: NamespaceInfo['routes']; sbox?: NamespaceDumps; sboxName?: string; c1Containers?: NamespaceInfo['containers'] } = {}): TraceResult {
  const h = opts.hostRoutes ? { ...host, routes: opts.hostRoutes } : host;
  const sbox: NamespaceInfo = { name: opts.sboxName ?? 'ingress_sbox', path: '', kind: opts.sboxName ? 'unknown' : 'ingress_sbox', containers: [], fdb: [], neighbors: [], interfaces: [], routes: [], peers: {} };
  const model: NodeModel = { name: 'n1', networks: [], namespaces: [h, c1(opts.c1Routes ?? [{ dst: 'default', gateway: '172.17.0.1', dev: 'eth0' }], opts.c1Containers), ...(opts.sbox ? [sbox] : [])], services: opts.services ?? [], diagnostics: [], discoveredAt: '' };
  const dumps: Record<string, NamespaceDumps> = opts.hostDump ? { host: dump(opts.hostDump) } : {};
  if (opts.sbox && (opts.sbox.ipvs || opts.sbox.rules.length)) dumps[opts.sboxName ?? 'ingress_sbox'] = opts.sbox;
  const sc = prepareScenario({ nodes: [{ model, dumps }] }, (d) => parseDumpText(d.text));
  return trace(sc, req);
}
export const hops = (r: TraceResult): string[] => r.path.hops.map((h) => `${h.namespace} ${h.kind} ${h.verdict ?? ''}: ${h.title}`);
export const hop = (r: TraceResult, title: string): Hop => {
  const h = r.path.hops.find((x) => x.title.startsWith(title));
  assert.ok(h, `no hop "${title}" in ${hops(r).join(' | ')}`);
  return h;
};

