/**
 * Gossip agreement: every node taking part in a network's gossip holds the same endpoint_table and
 * overlay_peer_table, entry by entry and owner (moby#47728) — not by hash, as moby's `ssd` does. The owner of a
 * row is the authority on it: a row its owner holds and a peer lacks is missing there; a row a peer holds that
 * its (reachable) owner no longer has is stale there; a row owned by a node that is no cluster peer any more is
 * stale everywhere. Between two nodes that are not peers of each other in the network's gossip, rows are not
 * compared: they cannot agree, and gossip/not-a-peer names that cause once instead of once per row.
 */
import type { TableRow } from '../networkdb';
import { gossipNameOf, gossipNameToNode, overlayNetworks, peerViews, type OverlayNetwork } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

type TableName = 'endpoint_table' | 'overlay_peer_table';

function rowsOf(node: DoctorNode, netId: string, table: TableName): TableRow<unknown>[] | undefined {
  const g = node.gossip?.networks[netId];
  return table === 'endpoint_table' ? g?.endpoints : g?.overlayPeers;
}

function describe(row: TableRow<unknown>): string {
  const v = row.value as Record<string, unknown>;
  const what = 'name' in v ? `${String(v.name)} ${String(v.endpointIp)}` : `${String(v.endpointIp)} ${String(v.endpointMac)} vtep ${String(v.tunnelEndpointIp)}`;
  return `${row.key.slice(0, 12)}… ${what} (owner ${row.owner})`;
}

const SYMPTOM: Record<TableName, string> = {
  endpoint_table: 'service discovery and load balancing differ by node: DNS answers or VIP backends miss a task, or name a gone one (NXDOMAIN / connection refused on some nodes only)',
  overlay_peer_table: 'the overlay of this node has no (or a stale) route to that task: connections to it time out from this node only',
};

interface Participant {
  node: DoctorNode;
  rows: Map<string, TableRow<unknown>>;
}

function compareTable(input: DoctorInput, net: OverlayNetwork, table: TableName, parts: Participant[], out: Finding[]): void {
  const byName = gossipNameToNode(input);
  // every name some node lists as a cluster peer, gathered or not: only a row owned by none of them is an orphan
  const clusterNames = new Set(input.nodes.flatMap((n) => (n.gossip?.clusterPeers ?? []).map((p) => p.name)));
  const partOf = new Map(parts.map((p) => [p.node, p]));
  const views = peerViews(input, net.id);
  const all = new Map<string, TableRow<unknown>>();
  for (const p of parts) for (const [k, r] of p.rows) if (!all.has(k)) all.set(k, r);
  for (const [key, sample] of all) {
    const owner = byName.get(sample.owner);
    const ownerPart = owner ? partOf.get(owner) : undefined;
    const authoritative = ownerPart ? ownerPart.rows.get(key) : undefined;
    for (const p of parts) {
      const mine = p.rows.get(key);
      const base = { node: p.node.name, network: net.name, target: { node: p.node.name, networkId: net.id } };
      const evidence = (label: string, rows: string[]) => [
        { label, source: `diagnostic server /gettable?tname=${table}`, rows },
        ...(ownerPart ? [{ label: `${table} on the owner ${ownerPart.node.name}`, source: '/gettable', rows: authoritative ? [describe(authoritative)] : ['(no such row)'] }] : []),
      ];
      if (!ownerPart && !clusterNames.has(sample.owner) && clusterNames.size > 0) {
        if (mine) out.push({ ...base, code: 'gossip/orphan-row', severity: 'error', message: `${table} row ${describe(mine)} is owned by a node that is not in the cluster any more`, symptom: SYMPTOM[table], evidence: evidence(`${table} on ${p.node.name}`, [describe(mine)]) });
        continue;
      }
      if (!ownerPart) continue; // owner not gathered: no authority to compare with
      if (views.apart(p.node, ownerPart.node)) continue; // gossip/not-a-peer says why they differ
      if (!mine) {
        if (authoritative) out.push({ ...base, code: 'gossip/missing-row', severity: 'error', message: `${table} on ${p.node.name} lacks ${describe(authoritative)}, which its owner ${ownerPart.node.name} holds`, symptom: SYMPTOM[table], evidence: evidence(`${table} on ${p.node.name}`, ['(no such row)']) });
      } else if (!authoritative) out.push({ ...base, code: 'gossip/stale-row', severity: 'error', message: `${table} on ${p.node.name} still holds ${describe(mine)}, which its owner ${ownerPart.node.name} no longer has`, symptom: SYMPTOM[table], evidence: evidence(`${table} on ${p.node.name}`, [describe(mine)]) });
      else if (mine.owner !== authoritative.owner || JSON.stringify(mine.value) !== JSON.stringify(authoritative.value)) out.push({ ...base, code: 'gossip/row-differs', severity: 'error', message: `${table} row ${key.slice(0, 12)}… differs on ${p.node.name} from its owner ${ownerPart.node.name}: ${describe(mine)} vs ${describe(authoritative)}`, symptom: SYMPTOM[table], evidence: evidence(`${table} on ${p.node.name}`, [describe(mine)]) });
    }
  }
}

/** Names every node's `/networkpeers` gives for the network (empty when none was read). */
export function networkPeerNames(input: DoctorInput, netId: string): Set<string> {
  return new Set(input.nodes.flatMap((n) => (n.gossip?.networks[netId]?.peers ?? []).map((p) => p.name)));
}

/** Nodes that take part in the network's gossip, with their tables. Others are reported, not compared. */
function participants(input: DoctorInput, net: OverlayNetwork, table: TableName, res: CheckResult): Participant[] {
  const peers = networkPeerNames(input, net.id);
  const out: Participant[] = [];
  for (const node of input.nodes) {
    const name = gossipNameOf(input, node);
    if (peers.size > 0 && (!name || !peers.has(name))) continue;
    const rows = rowsOf(node, net.id, table);
    if (!rows) {
      if (node.model.networks.some((n) => n.id === net.id)) res.skipped.push({ check: 'gossip', node: node.name, reason: `${net.name} ${table}: ${node.gossipSkipped ?? 'not read'}` });
      continue;
    }
    out.push({ node, rows: new Map(rows.map((r) => [r.key, r])) });
  }
  return out;
}

export const gossipAgreement: Check = {
  id: 'gossip',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'NetworkDB tables agree across nodes, row by row and owner',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const net of overlayNetworks(input)) {
      for (const table of ['endpoint_table', 'overlay_peer_table'] as const) {
        const parts = participants(input, net, table, res);
        if (parts.length >= 2) compareTable(input, net, table, parts, res.findings);
      }
    }
    return res;
  },
};
