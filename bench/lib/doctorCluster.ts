/**
 * A synthesized Swarm cluster for the doctor's bench: N nodes (the first 3 managers), M overlay networks, S services
 * with R tasks each spread round-robin over the nodes; every node's model, NetworkDB tables (endpoint_table,
 * overlay_peer_table, network and cluster peers) and overlay kernel tables (vxlan0 FDB + neighbours) are consistent
 * with each other. IPVS is reported absent (as on the lab kernel), so the load-balancer checks skip. Every host runs
 * the ufw firewall captured in test/fixtures/lint/real-dumps (default deny incoming, the swarm ports opened; here
 * 2377/tcp from the cluster's 198.18.0.0/16), so the firewall check evaluates real chains for every pair of nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../test/helpers';
import type { DoctorNode } from '../../src/core/doctor';
import type { NamespaceInfo, NetworkInfo, ServiceInfo } from '../../src/core/model';

export interface ClusterShape {
  nodes: number;
  networks: number;
  services: number;
  replicas: number;
}

const NO_IPVS = "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n";
const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);
const id25 = (p: string, n: number) => `${p}${pad(n, 6)}`.padEnd(25, 'x');
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

interface Ep { ip: string; mac: string; node: number; name: string; task?: { svc: number; slot: number; id: string } }

const UFW_HOST = readFileSync(join(FIXTURES, 'lint', 'real-dumps', 'ufw-host-swarm-ports.iptables-save.txt'), 'utf8').replaceAll('10.0.0.0/8', '198.18.0.0/16');

function hostNamespace(address: string): NamespaceInfo {
  const eth0 = { ifindex: 2, name: 'eth0', mtu: 1500, flags: ['UP'], addresses: [{ family: 'inet' as const, address, prefixLen: 16 }] };
  return { name: 'host', path: '/proc/1/ns/net', kind: 'host', containers: [], interfaces: [eth0], fdb: [], neighbors: [], routes: [], peers: {} };
}

export function synthCluster(s: ClusterShape): DoctorNode[] {
  const addr = (i: number) => `198.18.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
  const gname = (i: number) => hex(0xabc000000000 + i, 12);
  const nodeId = (i: number) => id25('node', i);
  const nets = Array.from({ length: s.networks }, (_, k) => ({ id: id25('net', k), name: `net${k}`, subnet: `10.${100 + k}.0.0/20`, next: 2, eps: [] as Ep[], vips: new Map<number, string>() }));
  const ipOf = (k: number, n: number) => `10.${100 + k}.${Math.floor(n / 256)}.${n % 256}`;
  const macOf = (k: number, n: number) => `02:42:0a:${hex(100 + k, 2)}:${hex(Math.floor(n / 256), 2)}:${hex(n % 256, 2)}`;
  const alloc = (k: number) => nets[k].next++;
  const services: ServiceInfo[] = [];
  for (let v = 0; v < s.services; v++) {
    const k = v % s.networks;
    const net = nets[k];
    const vipN = alloc(k);
    net.vips.set(v, ipOf(k, vipN));
    const svc: ServiceInfo = { id: id25('svc', v), name: `svc${v}`, mode: 'replicated', replicas: s.replicas, ports: [], vips: [{ networkId: net.id, addr: `${ipOf(k, vipN)}/20` }], tasks: [] };
    for (let r = 1; r <= s.replicas; r++) {
      const node = (v * s.replicas + r) % s.nodes;
      const n = alloc(k);
      const tid = id25('task', v * 100 + r);
      const name = `svc${v}.${r}.${tid}`;
      net.eps.push({ ip: ipOf(k, n), mac: macOf(k, n), node, name, task: { svc: v, slot: r, id: tid } });
      svc.tasks.push({ id: tid, slot: r, nodeId: nodeId(node), state: 'running', containerId: hex(v * 100 + r, 64), addresses: [`${ipOf(k, n)}/20`] });
    }
    services.push(svc);
  }
  for (const [k, net] of nets.entries()) for (let i = 0; i < s.nodes; i++) { const n = alloc(k); net.eps.push({ ip: ipOf(k, n), mac: macOf(k, n), node: i, name: `${net.name}-endpoint` }); }
  const peers = Array.from({ length: s.nodes }, (_, i) => ({ name: gname(i), ip: addr(i) }));
  return Array.from({ length: s.nodes }, (_, i) => {
    const networks: NetworkInfo[] = nets.map((net, k) => ({
      id: net.id, name: net.name, driver: 'overlay', scope: 'swarm', subnets: [{ subnet: net.subnet, gateway: ipOf(k, 1) }], vxlanIds: [4096 + k],
      attachable: true, ingress: false, internal: false, encrypted: false, peers,
      endpoints: net.eps.filter((e) => e.node === i).map((e) => ({ containerId: e.task ? hex(e.task.svc * 100 + e.task.slot, 64) : `lb-${net.name}`, name: e.name, ipv4: `${e.ip}/20`, mac: e.mac })),
      services: [...net.vips].map(([v, vip]) => ({ name: `svc${v}`, vip, localLbIndex: 256 + v, tasks: net.eps.filter((e) => e.task?.svc === v).map((e) => ({ name: e.name, endpointIp: e.ip, nodeHost: addr(e.node) })) })),
    }) as NetworkInfo);
    const namespaces = nets.flatMap((net, k): NamespaceInfo[] => {
      const remote = net.eps.filter((e) => e.node !== i);
      const overlay = {
        kind: 'overlay', name: `1-${net.id.slice(0, 10)}`, networkId: net.id, path: `/var/run/docker/netns/1-${net.id.slice(0, 10)}`, containers: [], peers: [], routes: [],
        interfaces: [
          { ifindex: 2, name: 'br0', kind: 'bridge', mac: '', mtu: 1450, state: 'UP', flags: ['UP'], addresses: [] },
          { ifindex: 3, name: 'vxlan0', kind: 'vxlan', mac: '', mtu: 1450, state: 'UNKNOWN', flags: ['UP'], addresses: [], master: 'br0', vxlan: { id: 4096 + k, dstport: 4789, learning: true, proxy: true, l2miss: true, l3miss: true } },
        ],
        fdb: remote.map((e) => ({ mac: e.mac, dev: 'vxlan0', dst: addr(e.node), flags: ['self'], state: 'permanent' })),
        neighbors: remote.map((e) => ({ dst: e.ip, dev: 'vxlan0', lladdr: e.mac, state: ['PERMANENT'] })),
      };
      const lb = { kind: 'lb', name: `lb_${net.id.slice(0, 9)}`, networkId: net.id, path: '', containers: [], peers: [], routes: [], interfaces: [], fdb: [], neighbors: [] };
      return [overlay as unknown as NamespaceInfo, lb as unknown as NamespaceInfo];
    });
    const gossipNets = Object.fromEntries(nets.map((net) => [net.id, {
      peers,
      endpoints: net.eps.filter((e) => e.task).map((e) => ({ key: hex(e.node * 1e6 + e.mac.length, 64) + e.name, owner: gname(e.node), value: { name: e.name, serviceName: `svc${e.task?.svc}`, serviceId: id25('svc', e.task?.svc ?? 0), virtualIp: net.vips.get(e.task?.svc ?? 0) ?? '', endpointIp: e.ip, taskAliases: [], serviceDisabled: false } })),
      overlayPeers: net.eps.map((e) => ({ key: `${e.name}-${e.ip}`, owner: gname(e.node), value: { endpointIp: `${e.ip}/20`, endpointMac: e.mac, tunnelEndpointIp: addr(e.node) } })),
    }]));
    const lbNs = nets.map((n) => `lb_${n.id.slice(0, 9)}`);
    return {
      name: `node${i + 1}`,
      model: {
        name: `node${i + 1}`, networks, namespaces: [hostNamespace(addr(i)), ...namespaces], diagnostics: [], discoveredAt: '2026-12-06T00:00:00Z',
        services: i < 3 ? services : [],
        swarm: { nodeId: nodeId(i), nodeAddr: addr(i), localNodeState: 'active', controlAvailable: i < 3, clusterId: 'synth', managers: 3, nodes: s.nodes, remoteManagers: [0, 1, 2].map((m) => ({ nodeId: nodeId(m), addr: `${addr(m)}:2377` })) },
      },
      gossip: { clusterPeers: peers, networks: gossipNets },
      ipvs: Object.fromEntries(lbNs.map((n) => [n, NO_IPVS])),
      mangle: Object.fromEntries(lbNs.map((n) => [n, '-P PREROUTING ACCEPT\n'])),
      hostRules: UFW_HOST,
    } as DoctorNode;
  });
}

const nodeNamed = (nodes: DoctorNode[], name: string): DoctorNode => {
  const n = nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};
const overlayOf = (n: DoctorNode, netIndex: number): NamespaceInfo => {
  const ns = n.model.namespaces.filter((x) => x.kind === 'overlay')[netIndex];
  if (!ns) throw new Error(`${n.name}: no overlay namespace #${netIndex}`);
  return ns;
};

/**
 * Injects one fault of each kind into a synthesized cluster (in place) and returns what the doctor must report,
 * as sorted `node code` lines.
 */
export function injectFaults(nodes: DoctorNode[]): string[] {
  // node7: the first FDB row of net3 deleted (the neighbour stays)
  const n7 = overlayOf(nodeNamed(nodes, 'node7'), 3);
  n7.fdb.splice(0, 1);
  // node12: an FDB row of net5 pointing at a wrong VTEP
  const f12 = overlayOf(nodeNamed(nodes, 'node12'), 5).fdb[3];
  f12.dst = '198.18.9.9';
  // node20: a neighbour entry of net1 missing
  overlayOf(nodeNamed(nodes, 'node20'), 1).neighbors.splice(2, 1);
  // node40: stale FDB + neighbour rows on net8 for an address no peer row has
  const ns40 = overlayOf(nodeNamed(nodes, 'node40'), 8);
  ns40.fdb.push({ mac: '02:42:0a:6c:0f:fe', dev: 'vxlan0', dst: '198.18.1.2', flags: ['self'], state: 'permanent' });
  ns40.neighbors.push({ dst: '10.108.15.254', dev: 'vxlan0', lladdr: '02:42:0a:6c:0f:fe', state: ['PERMANENT'] });
  // node30: one endpoint_table row of net2 owned by another node lost from its gossip
  const g30 = nodeNamed(nodes, 'node30').gossip?.networks[nodes[0].model.networks[2].id];
  const own30 = nodeNamed(nodes, 'node30').gossip?.clusterPeers?.[29]?.name;
  const i = g30?.endpoints?.findIndex((r) => r.owner !== own30) ?? -1;
  if (i < 0) throw new Error('node30: no remote endpoint row');
  g30?.endpoints?.splice(i, 1);
  return ['node12 kernel/fdb-wrong-vtep', 'node20 kernel/neigh-missing', 'node30 gossip/missing-row', 'node40 kernel/fdb-stale', 'node40 kernel/neigh-stale', 'node7 kernel/fdb-missing'].sort();
}
