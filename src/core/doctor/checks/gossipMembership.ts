/**
 * Gossip membership: a node with endpoints on an overlay network must be a peer of that network's gossip on
 * every other node; otherwise they never learn its tasks (no FDB/neighbour rows, no DNS/VIP entries) and it
 * never learns theirs. When a node is cut off, the others leave it out and it leaves them out: the finding is on
 * the node more of the others leave out (each view that leaves it out is one finding); its own view is not judged.
 */
import { overlayNamespace, overlayNetworks, peerViews } from '../scope';
import type { Check, CheckResult } from '../types';

export const gossipMembership: Check = {
  id: 'gossip-peers',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'every node with tasks on a network is a peer of its gossip on every other node',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const net of overlayNetworks(input)) {
      const views = peerViews(input, net.id);
      for (const node of input.nodes) {
        if (!overlayNamespace(node, net.id)) continue;
        for (const other of input.nodes) {
          const peers = other.gossip?.networks[net.id]?.peers;
          if (other === node || !peers || !overlayNamespace(other, net.id)) continue;
          // (undefined: node has no gossip name, nothing to look for)
          if (views.lists(other, node) !== false) continue;
          if (views.missedBy(other) > views.missedBy(node)) continue; // other is the one cut off: its view is a consequence
          res.findings.push({
            code: 'gossip/not-a-peer',
            severity: 'error',
            node: node.name,
            network: net.name,
            message: `${node.name} has endpoints on ${net.name}, but ${other.name}'s gossip does not list it as a peer of that network`,
            symptom: `${other.name} does not learn ${node.name}'s tasks (and the other way round): no overlay route between them, DNS and VIPs miss those tasks`,
            evidence: [{ label: `network peers of ${net.name} as ${other.name} sees them`, source: '/networkpeers', rows: peers.map((p) => `${p.name} ${p.ip}`) }],
            target: { node: node.name, networkId: net.id },
          });
        }
      }
    }
    return res;
  },
};
