/**
 * The embedded DNS (127.0.0.11) as a task sees it: from one task sandbox per overlay network on each node,
 * `<service>` and `tasks.<service>` are looked up with what the node has (busybox nslookup, nslookup, dig,
 * getent cannot choose the server so it is not used), entered with nsenter. Read-only.
 */
import { randomBytes } from 'node:crypto';
import { isValidNamespaceName } from '../netns';
import type { CommandRunner } from '../transport/types';
import { inSubnet, overlayNetworks } from './scope';
import type { DoctorInput, DoctorNode } from './types';

export interface DnsQuery {
  /** Task sandbox the query is sent from. */
  ns: string;
  name: string;
  networkId: string;
  service: string;
  /** Filled in by the run: undefined when no tool could query. */
  addresses?: string[];
  nxdomain?: boolean;
  tool?: string;
  output?: string;
}

/** Service names are untrusted remote data: only DNS-label characters are queried. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
export const MAX_SERVICES_PER_NETWORK = 50;

export function plannedDnsQueries(input: DoctorInput, node: DoctorNode): DnsQuery[] {
  const out: DnsQuery[] = [];
  const services = input.nodes.flatMap((n) => (n.model.swarm?.controlAvailable ? n.model.services : []));
  for (const net of overlayNetworks(input)) {
    if (net.ingress) continue; // the ingress network has no service discovery
    const sandbox = node.model.namespaces.find((ns) => ns.kind === 'task' && isValidNamespaceName(ns.name) && ns.interfaces.some((i) => i.addresses.some((a) => a.family === 'inet' && net.subnets.some((c) => inSubnet(a.address, c)))));
    if (!sandbox) continue;
    const onNet = services.filter((s) => s.vips.some((v) => v.networkId === net.id) || s.tasks.some((t) => t.addresses.some((a) => net.subnets.some((c) => inSubnet(a, c)))));
    const seen = new Set<string>();
    for (const s of onNet.slice(0, MAX_SERVICES_PER_NETWORK)) {
      if (seen.has(s.name) || !SAFE_NAME.test(s.name)) continue;
      seen.add(s.name);
      for (const name of [s.name, `tasks.${s.name}`]) out.push({ ns: sandbox.name, name, networkId: net.id, service: s.name });
    }
  }
  return out;
}

export const DNS_SCRIPT = `M="@@$1"; shift
if command -v busybox >/dev/null 2>&1; then T=busybox; elif command -v dig >/dev/null 2>&1; then T=dig; elif command -v nslookup >/dev/null 2>&1; then T=nslookup; else printf '\\n%s none\\n' "$M"; exit 0; fi
q() {
  case $T in
    busybox) nsenter --net="/var/run/docker/netns/$1" -- busybox nslookup "$2" 127.0.0.11 ;;
    dig) nsenter --net="/var/run/docker/netns/$1" -- dig +short +time=2 +tries=1 @127.0.0.11 "$2" A ;;
    nslookup) nsenter --net="/var/run/docker/netns/$1" -- nslookup -timeout=2 "$2" 127.0.0.11 ;;
  esac
}
while [ $# -ge 2 ]; do out=$(q "$1" "$2" 2>&1); rc=$?; printf '\\n%s %s %s %s %s\\n%s\\n' "$M" "$T" "$rc" "$1" "$2" "$out"; shift 2; done
printf '\\n%s end\\n' "$M"
`;

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

/** Addresses in a lookup's answer (the server's own address, 127.0.0.11, and anything before the answer left out). */
export function answerAddresses(tool: string, output: string): { addresses: string[]; nxdomain: boolean } {
  const nxdomain = /NXDOMAIN|can't find|not found/i.test(output);
  const body = tool === 'dig' ? output : output.split(/\n\s*\n/).slice(1).join('\n');
  const addresses = [...new Set([...body.matchAll(IPV4)].map((m) => m[1]).filter((a) => !a.startsWith('127.')))].sort();
  return { addresses, nxdomain: nxdomain && addresses.length === 0 };
}

export async function runDnsQueries(runner: CommandRunner, queries: DnsQuery[]): Promise<DnsQuery[] | string> {
  if (!queries.length) return [];
  const nonce = randomBytes(6).toString('hex');
  const r = await runner.run(['sh', '-c', DNS_SCRIPT, 'sh', nonce, ...queries.flatMap((q) => [q.ns, q.name])], { timeoutMs: 10000 + queries.length * 3000 });
  const text = r.stdout + r.stderr;
  if (text.includes(`@@${nonce} none`)) return 'the node has no busybox, dig or nslookup to query the embedded DNS from a task sandbox';
  const marker = `@@${nonce} `;
  const blocks = new Map<string, { tool: string; out: string[] }>();
  let cur: { tool: string; out: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(marker)) {
      const [tool, , ns, name] = line.slice(marker.length).split(' ');
      cur = tool === 'end' ? undefined : { tool, out: [] };
      if (cur) blocks.set(`${ns} ${name}`, cur);
    } else cur?.out.push(line);
  }
  return queries.map((q) => {
    const b = blocks.get(`${q.ns} ${q.name}`);
    if (!b) return { ...q, output: 'no answer from the query script' };
    const output = b.out.join('\n').trim();
    return { ...q, tool: b.tool, output, ...answerAddresses(b.tool, output) };
  });
}
