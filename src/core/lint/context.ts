/**
 * The node context prepared once per LintContext: parsed subnets and addresses, the node's current filter rules
 * (or Docker's assumed DOCKER-USER), the Swarm ports and the Docker version facts the rules' messages name.
 */
import type { LineResult } from '../iptables/parse';
import { logicalLines, newLineState, parseLogicalLine, relocateLineResult, withMore } from '../iptables/parse';
import type { Cidr } from './net';
import { parseCidr } from './net';
import { DOCKER_IFACE } from './facts';
import type { LintContext, PublishedPort } from './types';

export interface Probe {
  proto: 'tcp' | 'udp' | 'esp';
  port?: number;
  what: string;
}

/** The context's Swarm ports with the defaults filled in (types.ts SwarmPorts is what the context gives, each optional). */
export interface ResolvedSwarmPorts {
  control: number;
  gossip: number;
  data: number;
  /** The three, in that order. */
  all: readonly number[];
}

export interface PreparedContext {
  ctx?: LintContext;
  interfaces?: Set<string>;
  networks: { name: string; cidr: Cidr; driver?: string; ingress?: boolean }[];
  hostCidrs: Cidr[];
  nodeAddrs: Cidr[];
  peers?: Cidr[];
  published: PublishedPort[];
  encrypted: boolean;
  /** Line results of the node's current filter rules (relocated to negative lines). */
  base: LineResult[];
  /** No filterRules in the context: Docker ≤ 28.2.1's `-A DOCKER-USER -j RETURN` is assumed. */
  baseAssumed: boolean;
  probes: Probe[];
  /** The Swarm ports of the context (defaults 2377, 7946, 4789). */
  swarm: ResolvedSwarmPorts;
  /** [major, minor, patch] of the engine, when the context names it. */
  version?: [number, number, number];
}

export function parseVersion(v: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function versionAtLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let k = 0; k < 3; k++) if (v[k] !== min[k]) return v[k] > min[k];
  return true;
}

function cidrs(list: string[] | undefined, strip: boolean): Cidr[] {
  const out: Cidr[] = [];
  for (const a of list ?? []) {
    const c = typeof a === 'string' ? parseCidr(strip ? a.replace(/\/\d+$/, '') : a) : undefined;
    if (c) out.push(c);
  }
  return out;
}

function baseRules(ctx: LintContext | undefined): { base: LineResult[]; assumed: boolean } {
  const v = parseVersion(ctx?.engineVersion);
  if (ctx?.filterRules) {
    const st = newLineState('filter');
    const base: LineResult[] = [];
    let i = 0;
    for (const ll of logicalLines(ctx.filterRules)) {
      for (const r of withMore(parseLogicalLine(ll, st))) if (r.table === 'filter') base.push(relocateLineResult({ ...r, more: undefined }, -1_000_000 + i++));
    }
    return { base, assumed: false };
  }
  // Docker up to 28.2.1 ends DOCKER-USER with `-j RETURN`; 28.2.2 and later leave it empty
  const text = v && versionAtLeast(v, [28, 2, 2]) ? '-N DOCKER-USER' : '-A DOCKER-USER -j RETURN';
  return { base: [parseLogicalLine({ line: -1, text }, newLineState('filter'))], assumed: true };
}

export function prepareContext(ctx: LintContext | undefined): PreparedContext {
  const networks: PreparedContext['networks'] = [];
  for (const n of ctx?.networks ?? []) {
    for (const c of cidrs(n.subnets, false)) networks.push({ name: n.name, cidr: c, driver: n.driver, ingress: n.ingress });
  }
  const hostCidrs = cidrs((ctx?.interfaces ?? []).flatMap((i) => i.addresses ?? []), false);
  const nodeAddrs = cidrs(ctx?.nodeAddresses, true);
  for (const i of ctx?.interfaces ?? []) {
    if (i.name === 'lo' || DOCKER_IFACE.test(i.name) || /^(veth|vx-|ov-)/.test(i.name)) continue;
    nodeAddrs.push(...cidrs(i.addresses, true));
  }
  const { base, assumed } = baseRules(ctx);
  const control = ctx?.swarmPorts?.controlPort ?? 2377;
  const gossip = ctx?.swarmPorts?.gossipPort ?? 7946;
  const data = ctx?.swarmPorts?.dataPathPort ?? 4789;
  const probes: Probe[] = [
    { proto: 'tcp', port: control, what: `TCP ${control} (cluster management: managers' API and Raft — nodes cannot join and managers lose quorum)` },
    { proto: 'tcp', port: gossip, what: `TCP ${gossip} (node gossip — nodes are marked down, overlay peers are not learned)` },
    { proto: 'udp', port: gossip, what: `UDP ${gossip} (node gossip — nodes are marked down, overlay peers are not learned)` },
    { proto: 'udp', port: data, what: `UDP ${data} (VXLAN overlay data plane — containers on different nodes and the ingress routing mesh stop working)` },
    { proto: 'esp', what: 'ESP, IP protocol 50 (data plane of encrypted overlays, --opt encrypted)' },
  ];
  return {
    ctx,
    interfaces: ctx?.interfaces ? new Set(ctx.interfaces.map((i) => i.name)) : undefined,
    networks,
    hostCidrs,
    nodeAddrs,
    peers: ctx?.peerAddresses ? cidrs(ctx.peerAddresses, false) : undefined,
    published: ctx?.publishedPorts ?? [],
    encrypted: (ctx?.networks ?? []).some((n) => n.encrypted === true),
    base,
    baseAssumed: assumed,
    probes,
    swarm: { control, gossip, data, all: [control, gossip, data] },
    version: parseVersion(ctx?.engineVersion),
  };
}
