/**
 * Kernel vs gossip: for every remote row of a network's overlay_peer_table, the overlay namespace must hold a
 * PERMANENT neighbour entry ip → mac on vxlan0 and an FDB entry `mac dev vxlan0 dst <vtep> self permanent`
 * (what the overlay driver programs from the gossip). A lost FDB row while the neighbour stays gives
 * intermittent timeouts (moby#52661, #53663); rows for addresses no peer row has are stale.
 */
import type { FdbEntry, NamespaceInfo, NeighEntry } from '../../model';
import { nsenterArgv } from '../../netns';
import type { PeerRecord, TableRow } from '../networkdb';
import { nodeAddr, nodeByAddr, overlayNamespace, overlayNetworks, stripPrefix, type OverlayNetwork } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Evidence, Finding } from '../types';

const SYMPTOM_FDB = 'packets to that task leave with no VXLAN destination: connections to it time out, intermittently when the neighbour entry stays (moby#52661)';

/** An FDB entry the overlay driver programs: on vxlan0, with a VTEP, `self` (so its row never ends in a space). */
type VxlanFdb = FdbEntry & { dst: string };

const fdbRow = (f: VxlanFdb): string => `${f.mac} dev ${f.dev} dst ${f.dst}${f.master ? ` master ${f.master}` : ''} ${f.flags.join(' ')}${f.state ? ` ${f.state}` : ''}`;
const neighRow = (n: NeighEntry): string => `${n.dst} dev ${n.dev}${n.lladdr ? ` lladdr ${n.lladdr}` : ''} ${n.state.join(' ')}`.trim();
const peerRow = (r: TableRow<PeerRecord>): string => `${r.value.endpointIp} mac ${r.value.endpointMac} vtep ${r.value.tunnelEndpointIp} (owner ${r.owner})`;

function vxlanFdb(ns: NamespaceInfo): VxlanFdb[] {
  return ns.fdb.filter((f): f is VxlanFdb => f.dev === 'vxlan0' && f.dst !== undefined && f.flags.includes('self'));
}

function vxlanNeigh(ns: NamespaceInfo): NeighEntry[] {
  return ns.neighbors.filter((n) => n.dev === 'vxlan0');
}

interface Ctx {
  input: DoctorInput;
  node: DoctorNode;
  net: OverlayNetwork;
  ns: NamespaceInfo;
  evidence: Evidence[];
  out: Finding[];
  /** vxlan0's FDB entries by lower-case MAC and neighbour entries by address, indexed once per namespace. */
  fdbByMac: Map<string, VxlanFdb[]>;
  neighByIp: Map<string, NeighEntry[]>;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function finding(c: Ctx, code: string, severity: Finding['severity'], message: string, symptom: string, commands?: string[][], title?: string): void {
  c.out.push({
    code,
    severity,
    node: c.node.name,
    network: c.net.name,
    message,
    symptom,
    evidence: c.evidence,
    fix: commands ? { title: title ?? 'repair the kernel entry', node: c.node.name, commands: commands.map((cmd) => nsenterArgv(c.ns.name, cmd)) } : undefined,
    target: { node: c.node.name, namespace: c.ns.name, networkId: c.net.id },
  });
}

function checkPeer(c: Ctx, row: TableRow<PeerRecord>): void {
  const ip = stripPrefix(row.value.endpointIp);
  const { endpointMac: mac, tunnelEndpointIp: vtep } = row.value;
  const owner = nodeByAddr(c.input, vtep)?.name ?? vtep;
  const fdb = c.fdbByMac.get(mac) ?? [];
  const fdbFix = [['bridge', 'fdb', 'replace', mac, 'dev', 'vxlan0', 'dst', vtep, 'self', 'permanent']];
  if (fdb.length === 0) {
    finding(c, 'kernel/fdb-missing', 'error', `no FDB entry for ${ip} (${mac}) on vxlan0 in ${c.ns.name}: the gossip says it lives on ${owner} (${vtep})`, SYMPTOM_FDB, fdbFix, `bridge fdb replace ${mac} … dst ${vtep}`);
  } else if (!fdb.some((f) => f.dst === vtep)) {
    finding(c, 'kernel/fdb-wrong-vtep', 'error', `FDB entry for ${ip} (${mac}) points at ${fdb.map((f) => f.dst).join(', ')}, but the gossip says ${owner} (${vtep})`, 'packets to that task are sent to the wrong node and dropped there: connections to it time out', fdbFix, `bridge fdb replace ${mac} … dst ${vtep}`);
  } else if (!fdb.some((f) => f.dst === vtep && f.state === 'permanent')) {
    finding(c, 'kernel/fdb-not-permanent', 'warning', `FDB entry for ${ip} (${mac}) → ${vtep} is not permanent: it can age out`, 'connections to that task fail once the entry ages out', fdbFix);
  }
  const neigh = c.neighByIp.get(ip) ?? [];
  const neighFix = [['ip', 'neigh', 'replace', ip, 'lladdr', mac, 'dev', 'vxlan0', 'nud', 'permanent']];
  if (neigh.length === 0) {
    finding(c, 'kernel/neigh-missing', 'error', `no neighbour entry for ${ip} on vxlan0 in ${c.ns.name} (expected lladdr ${mac}, owner ${owner})`, 'the overlay answers no ARP for remote tasks (proxy ARP from the gossip): connections to that task fail', neighFix, `ip neigh replace ${ip} lladdr ${mac}`);
  } else if (!neigh.some((n) => n.lladdr?.toLowerCase() === mac)) {
    finding(c, 'kernel/neigh-wrong-mac', 'error', `neighbour entry for ${ip} has lladdr ${neigh.map((n) => n.lladdr).join(', ')}, the gossip says ${mac}`, 'frames for that task carry the wrong MAC: connections to it fail', neighFix);
  } else if (!neigh.some((n) => n.state.includes('PERMANENT'))) {
    finding(c, 'kernel/neigh-not-permanent', 'warning', `neighbour entry for ${ip} is ${neigh[0].state.join(' ') || 'not permanent'}`, 'the entry can go stale and be re-resolved through a network that has no ARP responder', neighFix);
  }
}

function checkStale(c: Ctx, remote: TableRow<PeerRecord>[]): void {
  const macs = new Set(remote.map((r) => r.value.endpointMac));
  const ips = new Set(remote.map((r) => stripPrefix(r.value.endpointIp)));
  for (const f of vxlanFdb(c.ns)) {
    // only the entries the driver programs (permanent): with learning on, vxlan0 also learns MACs that age out
    if (macs.has(f.mac.toLowerCase()) || f.state !== 'permanent') continue;
    finding(c, 'kernel/fdb-stale', 'warning', `FDB entry ${fdbRow(f)} matches no peer in the gossip: left over from a task that is gone`, 'a new task that gets this MAC/address is unreachable from here (traffic goes to the old node)', [['bridge', 'fdb', 'del', f.mac, 'dev', 'vxlan0', 'dst', f.dst, 'self']], `bridge fdb del ${f.mac} dev vxlan0 dst ${f.dst}`);
  }
  for (const n of vxlanNeigh(c.ns)) {
    if (ips.has(n.dst) || !n.state.includes('PERMANENT')) continue;
    finding(c, 'kernel/neigh-stale', 'warning', `neighbour entry ${neighRow(n)} matches no peer in the gossip: left over from a task that is gone`, 'a new task that gets this address is unreachable from here (wrong MAC)', [['ip', 'neigh', 'del', n.dst, 'dev', 'vxlan0']], `ip neigh del ${n.dst} dev vxlan0`);
  }
}

function checkNetworkOnNode(input: DoctorInput, node: DoctorNode, net: OverlayNetwork, out: Finding[]): string | undefined {
  const rows = node.gossip?.networks[net.id]?.overlayPeers;
  if (!rows) return node.gossipSkipped ?? 'overlay_peer_table not read';
  const ns = overlayNamespace(node, net.id);
  if (!ns) return undefined; // no endpoint of this network on the node: nothing programmed, nothing to compare
  const self = nodeAddr(node);
  if (!self) return 'the node has no swarm address';
  const remote = rows.filter((r) => r.value.tunnelEndpointIp !== self);
  const evidence: Evidence[] = [
    { label: `overlay_peer_table of ${net.name} on ${node.name} (remote rows)`, source: 'diagnostic server /gettable', rows: remote.map(peerRow) },
    { label: `FDB on vxlan0 in ${ns.name}`, source: `bridge fdb show (ns ${ns.name})`, rows: vxlanFdb(ns).map(fdbRow) },
    { label: `neighbours on vxlan0 in ${ns.name}`, source: `ip neigh show (ns ${ns.name})`, rows: vxlanNeigh(ns).map(neighRow) },
  ];
  const c: Ctx = { input, node, net, ns, evidence, out, fdbByMac: groupBy(vxlanFdb(ns), (f) => f.mac.toLowerCase()), neighByIp: groupBy(vxlanNeigh(ns), (n) => n.dst) };
  for (const r of remote) checkPeer(c, r);
  checkStale(c, remote);
  return undefined;
}

export const kernelPeers: Check = {
  id: 'kernel',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'overlay FDB and neighbour entries match the gossip (overlay_peer_table)',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const net of overlayNetworks(input)) {
      for (const node of input.nodes) {
        const why = checkNetworkOnNode(input, node, net, res.findings);
        if (why && overlayNamespace(node, net.id)) res.skipped.push({ check: 'kernel', node: node.name, reason: `${net.name}: ${why}` });
      }
    }
    return res;
  },
};
