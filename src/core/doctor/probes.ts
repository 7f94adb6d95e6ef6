/**
 * Active probes between nodes (read-only: they send packets, change nothing): across each overlay from the
 * node's load-balancer endpoint (lb_* / ingress_sbox: a namespace with its own address on the network) to one
 * remote address per other node, small and overlay-MTU-sized; TCP connects to the other nodes' gossip port
 * (7946) and to managers' 2377. One fixed script per node; targets are passed as arguments, checked first.
 * A ping is one echo request, and a second one only when the first got no answer within a second: a lost reply
 * does not fail the probe (the old `-c 2` did not either), and it no longer costs every run that second.
 */
import { randomBytes } from 'node:crypto';
import { isValidNamespaceName } from '../netns';
import { isIPv4 } from '../net/ipv4';
import type { CommandRunner } from '../transport/types';
import { nodeAddr, overlayNamespace, overlayNetworks, stripPrefix } from './scope';
import type { DoctorInput, DoctorNode } from './types';

export interface Probe {
  kind: 'ping' | 'tcp';
  /** Namespace the probe leaves from ('host' for the node's own). */
  ns: string;
  target: string;
  /** ICMP payload size (ping) or TCP port. */
  arg: number;
  /** Which node the target is on, and why we probe it. */
  toNode: string;
  purpose: string;
  networkId?: string;
  ok?: boolean;
  output?: string;
}

export const PROBE_SCRIPT = `M="@@$1"; shift
if command -v busybox >/dev/null 2>&1; then P="busybox ping -A"; N="busybox nc"; else P="ping -A"; N=nc; fi
probe() {
  if [ "$2" = host ]; then pre=; else pre="nsenter --net=/var/run/docker/netns/$2 --"; fi
  if [ "$1" = ping ]; then out=$($pre $P -c 1 -W 1 -s "$4" "$3" 2>&1 || $pre $P -c 1 -W 1 -s "$4" "$3" 2>&1); rc=$?
  else out=$(timeout 4 $pre $N -w 2 "$3" "$4" </dev/null 2>&1); rc=$?; fi
  printf '\\n%s %s %s %s %s %s\\n%s\\n' "$M" "$1" "$2" "$3" "$4" "$rc" "$(printf '%s' "$out" | tail -n 3)"
}
while [ $# -ge 4 ]; do probe "$1" "$2" "$3" "$4" & shift 4; done
wait
printf '\\n%s end\\n' "$M"
`;

const SAFE_TARGET = (s: string) => isIPv4(s);

/** The probes a node should run against the others (built from the gathered models and gossip/kernel rows). */
export function plannedProbes(input: DoctorInput, node: DoctorNode): Probe[] {
  const out: Probe[] = [];
  const self = nodeAddr(node);
  for (const net of overlayNetworks(input)) {
    const src = net.ingress ? 'ingress_sbox' : `lb_${net.id.slice(0, 9)}`;
    const ns = overlayNamespace(node, net.id);
    if (!ns || !node.model.namespaces.some((n) => n.name === src)) continue;
    const mtu = ns.interfaces.find((i) => i.name === 'vxlan0')?.mtu ?? 1450;
    // up to two addresses per remote node, from the kernel's own rows (neighbour → MAC → FDB dst)
    const byVtep = new Map<string, string[]>();
    for (const n of ns.neighbors) {
      if (n.dev !== 'vxlan0' || !n.lladdr) continue;
      const f = ns.fdb.find((x) => x.dev === 'vxlan0' && x.mac.toLowerCase() === n.lladdr?.toLowerCase() && x.dst);
      if (!f?.dst || f.dst === self) continue;
      const list = byVtep.get(f.dst) ?? [];
      if (list.length < 2) byVtep.set(f.dst, [...list, n.dst]);
    }
    for (const [vtep, ips] of byVtep) {
      const to = input.nodes.find((x) => nodeAddr(x) === vtep)?.name ?? vtep;
      for (const ip of ips) {
        out.push({ kind: 'ping', ns: src, target: ip, arg: 56, toNode: to, purpose: `overlay ${net.name} to ${to} (VXLAN to ${vtep})`, networkId: net.id });
        out.push({ kind: 'ping', ns: src, target: ip, arg: mtu - 28, toNode: to, purpose: `overlay ${net.name} to ${to}: ${mtu}-byte packets (the overlay MTU)`, networkId: net.id });
      }
    }
  }
  for (const other of input.nodes) {
    const addr = nodeAddr(other);
    if (other === node || !addr) continue;
    out.push({ kind: 'tcp', ns: 'host', target: addr, arg: 7946, toNode: other.name, purpose: `gossip (7946/tcp) to ${other.name}` });
  }
  for (const m of node.model.swarm?.remoteManagers ?? []) {
    const ip = m.addr.split(':')[0];
    const port = Number(m.addr.split(':')[1] ?? 2377);
    if (ip !== self) out.push({ kind: 'tcp', ns: 'host', target: ip, arg: port, toNode: input.nodes.find((x) => nodeAddr(x) === ip)?.name ?? ip, purpose: `manager API (${port}/tcp) to ${ip}` });
  }
  return out.filter((p) => SAFE_TARGET(stripPrefix(p.target)) && (p.ns === 'host' || isValidNamespaceName(p.ns)));
}

export function readProbeOutput(text: string, nonce: string, probes: Probe[]): Probe[] {
  const marker = `@@${nonce} `;
  const blocks = text.split('\n');
  const results = new Map<string, { rc: number; out: string[] }>();
  let cur: { rc: number; out: string[] } | undefined;
  for (const l of blocks) {
    if (l.startsWith(marker)) {
      const [k, ns, t, a, rc] = l.slice(marker.length).split(' ');
      if (k === 'end') break;
      cur = { rc: Number(rc), out: [] };
      results.set(`${k} ${ns} ${t} ${a}`, cur);
    } else cur?.out.push(l);
  }
  return probes.map((p) => {
    const r = results.get(`${p.kind} ${p.ns} ${p.target} ${p.arg}`);
    return r ? { ...p, ok: r.rc === 0, output: r.out.join('\n').trim() } : { ...p, output: 'no result (the probe script stopped early)' };
  });
}

export async function runProbes(runner: CommandRunner, probes: Probe[]): Promise<Probe[]> {
  if (!probes.length) return [];
  const nonce = randomBytes(6).toString('hex');
  const args = probes.flatMap((p) => [p.kind, p.ns, p.target, String(p.arg)]);
  const r = await runner.run(['sh', '-c', PROBE_SCRIPT, 'sh', nonce, ...args], { timeoutMs: 10000 + probes.length * 4000 });
  return readProbeOutput(r.stdout + r.stderr, nonce, probes);
}
