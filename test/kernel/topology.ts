/**
 * The kernel test bed's topology, in one place: scripts/kernel-netns.sh builds it in the kernel, scenarioFor()
 * describes the same thing to the tracer (through the compact scenario form that `--fixtures` directories use).
 */
import type { Diagnostic } from '../../src/core/diagnostics';
import { parseIpsetSave } from '../../src/core/gather/rules';
import { expandCompactNode } from '../../src/core/trace/scenarioDir';
import type { TraceScenario } from '../../src/core/trace/types';

/** Namespace prefix of this run: tk-<pid in base 36>- (runs side by side each have their own bed). */
export const PREFIX = `tk-${process.pid.toString(36)}-`;

export interface Link {
  /** Interface name in the router (the name Docker gives it). */
  routerIf: string;
  routerAddrs: string[];
  /** Namespace on the other side (without the prefix) and its addresses. */
  ns: string;
  addrs: string[];
  kind: 'client' | 'container';
}

/** Must match scripts/kernel-netns.sh. */
export const LINKS: Link[] = [
  { routerIf: 'eth0', routerAddrs: ['198.18.100.1/24', '203.0.113.1/24'], ns: 'c0', kind: 'client', addrs: ['198.18.100.2/24', '198.18.100.3/24', '198.18.100.4/24', '198.18.100.5/24', '198.18.100.9/24', '203.0.113.2/24', '203.0.113.5/24', '203.0.113.9/24'] },
  { routerIf: 'eth1', routerAddrs: ['198.18.101.1/24'], ns: 'c1', kind: 'client', addrs: ['198.18.101.2/24', '198.18.101.3/24', '198.18.101.5/24'] },
  { routerIf: 'docker0', routerAddrs: ['172.17.0.1/16'], ns: 's0', kind: 'container', addrs: ['172.17.0.2/16', '172.17.0.3/16', '172.17.0.4/16'] },
  { routerIf: 'docker_gwbridge', routerAddrs: ['172.18.0.1/20'], ns: 's1', kind: 'container', addrs: ['172.18.0.2/20', '172.18.0.3/20'] },
  { routerIf: 'br-a1b2c3d4e5f6', routerAddrs: ['172.18.16.1/20'], ns: 's2', kind: 'container', addrs: ['172.18.16.2/20', '172.18.16.3/20'] },
  { routerIf: 'br-0f1e2d3c4b5a', routerAddrs: ['172.18.32.1/20'], ns: 's3', kind: 'container', addrs: ['172.18.32.2/20'] },
];

/** Ports every agent listens on (TCP and UDP): probes only go to listening ports, so every reply is a real answer. */
export const SERVER_PORTS = [22, 53, 80, 443, 5432, 8000, 8080, 9000];
export const CLIENT_PORTS = [53, 80, 443, 5432];

export const bare = (cidr: string): string => cidr.split('/')[0];

export function linkOfNs(ns: string): Link {
  const l = LINKS.find((x) => x.ns === ns);
  if (!l) throw new Error(`no link for namespace ${ns}`);
  return l;
}

/** The link whose subnet holds this address (router side). */
export function linkOfAddress(ip: string): Link | undefined {
  return LINKS.find((l) => l.addrs.some((a) => bare(a) === ip) || l.routerAddrs.some((a) => bare(a) === ip));
}

/** The router as the tracer's "host" namespace, every other namespace behind its veth peer. */
export function scenarioFor(ruleDump: string, ipsetSave: string): { scenario: TraceScenario; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const namespaces: Record<string, { kind: 'host' | 'container' | 'unknown'; interfaces: string[]; routes: string[] }> = {
    host: { kind: 'host', interfaces: LINKS.map((l) => `${l.routerIf} ${l.routerAddrs.join(' ')} peer=${l.ns}:eth0`), routes: [] },
  };
  for (const l of LINKS) {
    namespaces[l.ns] = { kind: l.kind === 'container' ? 'container' : 'unknown', interfaces: [`eth0 ${l.addrs.join(' ')}`], routes: [`default via ${bare(l.routerAddrs[0])} dev eth0`] };
  }
  const node = expandCompactNode({ name: 'router', namespaces }, '.', diagnostics);
  node.dumps.host = { rules: [{ text: ruleDump, source: 'router.iptables-save', complete: true }], ipsets: parseIpsetSave(ipsetSave) };
  return { scenario: { name: 'kernel-bed', nodes: [node] }, diagnostics };
}
