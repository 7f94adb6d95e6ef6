/**
 * Capacity: addresses in use on each overlay subnet (task endpoints and allocations, load-balancer endpoints, VIPs) against
 * what the subnet can hand out (its size less network, broadcast and gateway). A full subnet leaves new tasks
 * pending with "could not find an available IP" in a manager's log only (moby#43052).
 */
import { inSubnet, overlayNetworks, stripPrefix } from '../scope';
import type { Check, CheckResult } from '../types';

/** Task states whose addresses are released. */
const ENDED = new Set(['shutdown', 'failed', 'rejected', 'complete', 'orphaned', 'remove']);

export function usableAddresses(cidr: string): number {
  const len = Number(cidr.split('/')[1]);
  if (!Number.isInteger(len) || len < 0 || len > 30) return 0;
  return 2 ** (32 - len) - 3;
}

export const capacity: Check = {
  id: 'capacity',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'overlay subnets have addresses left for new tasks',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const net of overlayNetworks(input)) {
      const used = new Set<string>();
      for (const node of input.nodes) {
        const g = node.gossip?.networks[net.id];
        for (const r of g?.overlayPeers ?? []) used.add(stripPrefix(r.value.endpointIp));
        for (const r of g?.endpoints ?? []) {
          used.add(stripPrefix(r.value.endpointIp));
          used.add(stripPrefix(r.value.virtualIp)); // none ("") or "<nil>" is in no subnet
        }
        const local = node.model.networks.find((n) => n.id === net.id);
        // Stryker disable next-line ArrayDeclaration: equivalent, a made-up entry has no address
        for (const e of local?.endpoints ?? []) if (e.ipv4) used.add(stripPrefix(e.ipv4));
        // Stryker disable next-line ArrayDeclaration: equivalent, a made-up entry has no VIP
        for (const s of local?.services ?? []) if (s.vip) used.add(stripPrefix(s.vip));
        for (const s of node.model.services) {
          for (const v of s.vips) if (v.networkId === net.id) used.add(stripPrefix(v.addr));
          // addresses the manager allocated to tasks, started or not (a task waiting for its node holds one)
          for (const t of s.tasks) if (!ENDED.has(t.state)) for (const a of t.addresses) used.add(stripPrefix(a));
        }
      }
      for (const cidr of net.subnets) {
        const inUse = [...used].filter((ip) => inSubnet(ip, cidr)).sort();
        const size = usableAddresses(cidr);
        if (size === 0 || inUse.length < Math.ceil(size * 0.9)) continue;
        const full = inUse.length >= size;
        // reported on a manager (its log shows the allocation error), else on the first node
        const where = (input.nodes.find((n) => n.model.swarm?.controlAvailable) ?? input.nodes[0]).name;
        res.findings.push({
          code: full ? 'capacity/subnet-full' : 'capacity/subnet-nearly-full',
          severity: full ? 'error' : 'warning',
          node: where,
          network: net.name,
          message: `${net.name} ${cidr}: ${inUse.length} of ${size} addresses in use (tasks, load-balancer endpoints, VIPs)`,
          symptom: full ? 'new tasks on this network stay pending ("could not find an available IP", in a manager\'s log only)' : 'a scale-up or rolling update (which needs new addresses before old ones are freed) can run out of addresses',
          evidence: [{ label: `addresses in use on ${cidr}`, source: 'gossip tables, docker network inspect, services', rows: inUse }],
          target: { node: where, networkId: net.id },
        });
      }
    }
    return res;
  },
};
