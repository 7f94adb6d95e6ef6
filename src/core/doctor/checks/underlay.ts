/**
 * Underlay between nodes, from the probes each node sent (see ../probes.ts) and the discovered links:
 * overlay traffic to each other node (VXLAN over udp/4789 or the swarm's data-path port), packets of the
 * overlay's MTU (VXLAN adds 50 bytes on the underlay: a smaller underlay MTU black-holes large packets, typical on
 * VMware/NSX or tunnels), the gossip port 7946/tcp, managers' 2377/tcp, and the VXLAN port being equal everywhere.
 */
import type { Probe } from '../probes';
import { nodeAddr, overlayNamespace, overlayNetworks } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

const show = (p: Probe) => `${p.kind} from ${p.ns} to ${p.target} (${p.kind === 'ping' ? `${p.arg} bytes` : `port ${p.arg}`}): ${p.ok ? 'ok' : 'FAILED'}${p.output ? ` — ${p.output.split('\n').slice(-2).join(' / ')}` : ''}`;

function vxlanPort(node: DoctorNode, netId: string): number | undefined {
  return overlayNamespace(node, netId)?.interfaces.find((i) => i.name === 'vxlan0')?.vxlan?.dstport;
}

function overlayProbes(node: DoctorNode, res: CheckResult, input: DoctorInput): void {
  const groups = new Map<string, Probe[]>();
  for (const p of node.probes ?? []) if (p.kind === 'ping') groups.set(`${p.networkId} ${p.toNode}`, [...(groups.get(`${p.networkId} ${p.toNode}`) ?? []), p]);
  for (const probes of groups.values()) {
    const net = overlayNetworks(input).find((n) => n.id === probes[0].networkId);
    const small = probes.filter((p) => p.arg === 56);
    const big = probes.filter((p) => p.arg !== 56);
    const to = probes[0].toNode;
    const port = vxlanPort(node, probes[0].networkId ?? '') ?? 4789;
    const base = { node: node.name, network: net?.name, target: { node: node.name, networkId: net?.id }, evidence: [{ label: `probes from ${node.name} to ${to}`, source: 'ping from the load-balancer sandbox', rows: probes.map(show) }] };
    if (small.length && small.every((p) => !p.ok)) {
      res.findings.push({ ...base, code: 'underlay/overlay-blocked', severity: 'error', message: `no overlay address on ${to} answers ${node.name} on ${net?.name}: VXLAN (udp/${port}) between ${node.name} (${nodeAddr(node)}) and ${to} is dropped on the underlay or by a firewall`, symptom: `tasks on ${node.name} cannot reach tasks on ${to} over ${net?.name}: timeouts` });
    } else if (small.some((p) => p.ok) && big.length && big.every((p) => !p.ok)) {
      const mtu = overlayNamespace(node, probes[0].networkId ?? '')?.interfaces.find((i) => i.name === 'vxlan0')?.mtu ?? 1450;
      res.findings.push({ ...base, code: 'underlay/mtu', severity: 'error', message: `small packets cross the overlay from ${node.name} to ${to}, packets of the overlay MTU (${mtu}) do not: the underlay path carries less than ${mtu + 50} bytes`, symptom: 'small requests work, large responses and uploads hang (TLS handshakes, HTTP bodies): lower the overlay MTU (`--opt com.docker.network.driver.mtu`) or fix the underlay' });
    }
  }
}

function tcpProbes(node: DoctorNode, res: CheckResult): void {
  for (const p of node.probes ?? []) {
    if (p.kind !== 'tcp' || p.ok) continue;
    const gossip = p.arg === 7946;
    res.findings.push({
      code: gossip ? 'underlay/gossip-port' : 'underlay/manager-port',
      severity: 'error',
      node: node.name,
      message: `${node.name} cannot open ${p.target}:${p.arg}/tcp on ${p.toNode} (${p.purpose})`,
      symptom: gossip ? 'gossip (NetworkDB, memberlist) between these nodes fails: their overlay, DNS and VIP tables drift apart' : 'this node cannot reach the manager: it goes Down in `docker node ls` and gets no new tasks',
      evidence: [{ label: 'probe', source: 'TCP connect from the node', rows: [show(p)] }],
      target: { node: node.name },
    });
  }
}

function vxlanPorts(input: DoctorInput, res: CheckResult): void {
  for (const net of overlayNetworks(input)) {
    const ports = input.nodes.flatMap((n) => {
      const p = vxlanPort(n, net.id);
      return p === undefined ? [] : [{ node: n, port: p }];
    });
    const distinct = [...new Set(ports.map((p) => p.port))];
    if (distinct.length < 2) continue;
    const major = distinct.sort((a, b) => ports.filter((p) => p.port === b).length - ports.filter((p) => p.port === a).length)[0];
    for (const p of ports.filter((x) => x.port !== major)) {
      const f: Finding = { code: 'underlay/vxlan-port-differs', severity: 'error', node: p.node.name, network: net.name, message: `vxlan0 of ${net.name} on ${p.node.name} uses udp/${p.port}, the other nodes ${major}`, symptom: `${p.node.name} and the others send VXLAN to ports the other side does not listen on: no overlay traffic between them`, evidence: [{ label: 'vxlan0 dstport per node', source: 'ip -d link', rows: ports.map((x) => `${x.node.name}: ${x.port}`) }], target: { node: p.node.name, networkId: net.id } };
      res.findings.push(f);
    }
  }
}

export const underlay: Check = {
  id: 'underlay',
  title: 'the underlay carries VXLAN, gossip and manager traffic between every pair of nodes, at the overlay MTU',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const node of input.nodes) {
      if (!node.probes) {
        res.skipped.push({ check: 'underlay', node: node.name, reason: 'no probes were run from this node (snapshot, --no-probes, or no command access)' });
        continue;
      }
      overlayProbes(node, res, input);
      tcpProbes(node, res);
    }
    vxlanPorts(input, res);
    if (input.nodes.some((n) => n.model.networks.some((x) => x.encrypted))) res.skipped.push({ check: 'underlay', reason: 'ESP (IP protocol 50) for encrypted overlays is not probed (no reply to wait for): the firewall check judges the nodes\' rules for it' });
    return res;
  },
};
