/**
 * Hop-by-hop packet tracer across namespaces and nodes. Inputs: NodeModels (as discovery produces them, possibly
 * partial) plus per-namespace rule dumps and ipvsadm output. The walk is the kernel's: PREROUTING, routing
 * decision, INPUT (+ IPVS at LOCAL_IN) or FORWARD, OUTPUT (+ IPVS at LOCAL_OUT), POSTROUTING, then the wire: veth
 * to its peer namespace, bridge ports, vxlan with the FDB's `dst <vtep>` over the underlay to the remote node.
 * Nothing is invented: missing state (a table not captured, IPVS absent, an FDB entry missing) is said in the hop.
 */
import type { Diagnostic } from '../diagnostics';
import type { InterfaceInfo, NamespaceInfo, NodeModel, RouteEntry } from '../model';
import type { Ruleset } from '../iptables/model';
import { findFwmService, findVipService, parseIpvsadm, type IpvsService, type IpvsTable } from '../parsers/ipvsadm';
import { dockerMacForIp, parseCidr, parseIpv4 } from '../net';
import { evaluateHook, isLocalAddress, NamespaceRules, type EvalEnv, type Hit, type Hook, type HookResult, type Rewrite } from './netfilter';
import { crossNamespace, describePacket, endpoint, newPacket, type Packet } from './packet';
import type { Hop, HopKind, HopRule, NamespaceDumps, Outcome, RuleDump, TracePath, TraceRequest, TraceResult, TraceScenario } from './types';
import { own } from '../record';

export type ParseRules = (dump: RuleDump) => Ruleset;

interface PreparedNs {
  info: NamespaceInfo;
  rules?: NamespaceRules;
  ipvs?: IpvsTable;
  ipvsSource?: string;
  env: EvalEnv;
}

interface PreparedNode {
  model: NodeModel;
  ns: Map<string, PreparedNs>;
}

export interface PreparedScenario {
  name?: string;
  nodes: PreparedNode[];
  notes: string[];
  diagnostics: Diagnostic[];
}

function envOf(info: NamespaceInfo, dumps?: NamespaceDumps): EvalEnv {
  // interface names come from the node: own properties only (Object.fromEntries), read with `own`
  const ifaceAddresses: EvalEnv['ifaceAddresses'] = Object.fromEntries(info.interfaces.map((i) => [i.name, i.addresses.filter((a) => a.family === 'inet').map((a) => ({ address: a.address, prefixLen: a.prefixLen }))]));
  return { ifaceAddresses, ipsets: dumps?.ipsets };
}

/** Parses all dumps once; the result can be traced many times (and with what-if rules). */
export function prepareScenario(s: TraceScenario, parse: ParseRules): PreparedScenario {
  const diagnostics: Diagnostic[] = [];
  const nodes = s.nodes.map((n): PreparedNode => {
    const ns = new Map<string, PreparedNs>();
    for (const info of n.model.namespaces) ns.set(info.name, { info, env: envOf(info, own(n.dumps, info.name)) });
    for (const [name, dumps] of Object.entries(n.dumps)) {
      let p = ns.get(name);
      if (!p) {
        const info: NamespaceInfo = { name, path: '', kind: name === 'host' ? 'host' : 'unknown', containers: [], interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} };
        diagnostics.push({ severity: 'warning', source: n.model.name, message: `dumps given for namespace ${name}, which the node model does not list` });
        p = { info, env: envOf(info, dumps) };
        ns.set(name, p);
      }
      if (dumps.rules.length > 0) {
        const rules = new NamespaceRules();
        for (const d of dumps.rules) rules.add(parse(d), d.source, d.complete === true);
        diagnostics.push(...rules.diagnostics.map((d) => ({ ...d, source: `${n.model.name}/${name} ${d.source}` })));
        p.rules = rules;
      }
      if (dumps.ipvs) {
        const parsed = parseIpvsadm(dumps.ipvs.text, dumps.ipvs.source);
        p.ipvs = parsed.value;
        p.ipvsSource = dumps.ipvs.source;
        // "IPVS absent" is the same fact in every namespace: said once per node.
        const fresh = parsed.diagnostics.filter((d) => d.severity !== 'info' || !diagnostics.some((x) => x.message === d.message && x.source.startsWith(`${n.model.name}/`)));
        diagnostics.push(...fresh.map((d) => ({ ...d, source: `${n.model.name}/${name} ${d.source}` })));
      }
    }
    return { model: n.model, ns };
  });
  return { name: s.name, nodes, notes: s.notes ?? [], diagnostics };
}

export { withDockerUserWhatIf, withRulesReplaced, withWhatIf } from './whatif';

// ---------------------------------------------------------------------------------------------------------

const MAX_HOPS = 400;
const MAX_NS_CROSSINGS = 40;

interface Ctx {
  sc: PreparedScenario;
  req: TraceRequest;
  nextId: number;
  hopsTotal: number;
}

interface Cursor {
  node: PreparedNode;
  ns: PreparedNs;
  crossings: number;
  /** Rewrites so far on this path, with where they happened (for the reply summary). */
  history: { node: string; ns: string; rw: Rewrite }[];
  /** Namespaces whose FORWARD hook the packet crossed (for the reply check). */
  forwarded: { node: PreparedNode; ns: PreparedNs; pkt: Packet }[];
}

function mkHop(ctx: Ctx, c: Cursor, kind: HopKind, title: string, pkt: Packet, extra: Partial<Hop> = {}): Hop {
  ctx.hopsTotal++;
  return {
    id: ctx.nextId++,
    node: c.node.model.name,
    namespace: c.ns.info.name,
    nsKind: c.ns.info.kind,
    kind,
    title,
    detail: [],
    rules: [],
    rewrites: [],
    packet: describePacket(pkt),
    uncertain: [],
    ...extra,
  };
}

/** `iptables-save -c` puts "[packets:bytes] " before the rule; the counters are shown separately. */
function ruleText(t: string): string {
  return t.startsWith('[') ? t.replace(/^\[\d+:\d+\]\s+/, '') : t;
}

function hitToRule(h: Hit, decided: boolean): HopRule {
  if (h.kind === 'policy') {
    return { table: h.table, chain: h.chain, position: 0, text: `-P ${h.chain} ${h.policy}`, source: h.source, line: h.line, counters: h.counters, effect: h.effect, unsupported: h.unsupported, decided };
  }
  // The evaluator's hit is already a complete rule record: mark it instead of copying it.
  h.decided = decided;
  return h;
}

function nsLabel(ns: PreparedNs): string {
  return ns.info.name;
}

const DECIDING = /^(ACCEPT|DNAT|SNAT|MASQUERADE|REDIRECT)/;

/** Runs a hook and turns it into a hop. */
function hookHop(ctx: Ctx, c: Cursor, hook: Hook, pkt: Packet): { hop: Hop; result?: HookResult } {
  if (!c.ns.rules) {
    const hop = mkHop(ctx, c, 'netfilter', `${hook}`, pkt, { verdict: 'UNKNOWN', iface: { in: pkt.inIface, out: pkt.outIface } });
    const msg = `no iptables dump for namespace ${nsLabel(c.ns)}: ${hook} assumed to ACCEPT`;
    hop.uncertain.push(msg);
    hop.detail.push(msg);
    return { hop };
  }
  const r = evaluateHook(c.ns.rules, hook, pkt, c.ns.env);
  const tables = r.tables.filter((t) => t.status === 'evaluated').map((t) => t.table);
  const hop = mkHop(ctx, c, 'netfilter', `${hook}${tables.length ? ` (${tables.join(', ')})` : ''}`, r.packet, {
    verdict: r.verdict,
    rewrites: r.rewrites,
    iface: { in: pkt.inIface, out: pkt.outIface },
  });
  for (const t of r.tables) for (const h of t.hits) hop.rules.push(hitToRule(h, h === r.decidedBy || (r.verdict === 'ACCEPT' && h === t.decidedBy && h.kind === 'rule' && DECIDING.test(h.effect))));
  hop.detail.push(...r.notes);
  for (const h of hop.rules) if (h.unsupported.length > 0) hop.uncertain.push(...h.unsupported.map((u) => `${h.table}/${h.chain} #${h.position}: ${u}`));
  if (r.verdict !== 'ACCEPT') {
    const d = r.decidedBy;
    hop.drop = d ? (d.kind === 'policy' ? `${d.table}/${d.chain} policy ${d.policy} (no rule accepted the packet)` : `${d.table}/${d.chain} rule #${d.position}: ${ruleText(d.text)}`) : `${hook}: ${r.verdict}`;
  }
  for (const rw of r.rewrites) c.history.push({ node: c.node.model.name, ns: c.ns.info.name, rw });
  return { hop, result: r };
}

// Routing -------------------------------------------------------------------------------------------------

interface RouteChoice {
  dev: string;
  nextHop: string;
  route: string;
  src?: string;
}

function routesOf(ns: PreparedNs): RouteEntry[] {
  const explicit = ns.info.routes.filter((r) => !r.table || r.table === 'main');
  const connected: RouteEntry[] = [];
  for (const i of ns.info.interfaces) {
    for (const a of i.addresses) {
      if (a.family !== 'inet' || i.name === 'lo') continue;
      const c = parseCidr(`${a.address}/${a.prefixLen}`);
      if (!c) continue;
      const dst = `${(c.base >>> 24) & 255}.${(c.base >>> 16) & 255}.${(c.base >>> 8) & 255}.${c.base & 255}/${c.prefix}`;
      if (!explicit.some((r) => r.dst === dst && r.dev === i.name)) connected.push({ dst, dev: i.name, prefsrc: a.address, protocol: 'kernel', scope: 'link' });
    }
  }
  return [...explicit, ...connected];
}

function lookupRoute(ns: PreparedNs, dst: string): RouteChoice | undefined {
  const ip = parseIpv4(dst);
  if (ip === undefined) return undefined;
  let best: { r: RouteEntry; prefix: number } | undefined;
  for (const r of routesOf(ns)) {
    if (r.type && r.type !== 'unicast') continue;
    const c = r.dst === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(r.dst);
    if (!c || ((ip & c.mask) >>> 0) !== c.base) continue;
    if (!best || c.prefix > best.prefix) best = { r, prefix: c.prefix };
  }
  const r = best?.r;
  const dev = r?.dev;
  if (!r || !dev) return undefined;
  const text = `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${dev}${r.protocol === 'kernel' ? ' (connected)' : ''}`;
  const src = r.prefsrc ?? own(ns.env.ifaceAddresses, dev)?.[0]?.address;
  return { dev, nextHop: r.gateway ?? dst, route: text, src };
}

function iface(ns: PreparedNs, name: string): InterfaceInfo | undefined {
  return ns.info.interfaces.find((i) => i.name === name);
}

function isBridge(ns: PreparedNs, i: InterfaceInfo): boolean {
  return i.kind === 'bridge' || ns.info.interfaces.some((x) => x.master === i.name);
}

function peerOf(node: PreparedNode, ns: PreparedNs, i: InterfaceInfo): { ns: PreparedNs; iface: InterfaceInfo } | undefined {
  const ref = ns.info.peers[i.ifindex];
  if (!ref) return undefined;
  const pns = node.ns.get(ref.namespace);
  const pif = pns?.info.interfaces.find((x) => x.ifindex === ref.ifindex) ?? pns?.info.interfaces.find((x) => x.name === ref.name);
  return pns && pif ? { ns: pns, iface: pif } : undefined;
}

function hostNs(node: PreparedNode): PreparedNs | undefined {
  return node.ns.get('host') ?? [...node.ns.values()].find((n) => n.info.kind === 'host');
}

function nodeOwning(sc: PreparedScenario, ip: string): PreparedNode | undefined {
  return sc.nodes.find((n) => {
    const h = hostNs(n);
    return h !== undefined && isLocalAddress(ip, h.env) && parseIpv4(ip)! >>> 24 !== 127;
  });
}

// Walk ----------------------------------------------------------------------------------------------------

function leaf(path: TracePath, outcome: Outcome): TracePath {
  path.outcome = outcome;
  return path;
}

function guard(ctx: Ctx, c: Cursor, path: TracePath, pkt: Packet): boolean {
  if (ctx.hopsTotal > MAX_HOPS || c.crossings > MAX_NS_CROSSINGS) {
    const hop = mkHop(ctx, c, 'unknown', 'trace stopped', pkt, { verdict: 'UNKNOWN' });
    hop.detail.push(`more than ${c.crossings > MAX_NS_CROSSINGS ? `${MAX_NS_CROSSINGS} namespace crossings` : `${MAX_HOPS} hops`}: a forwarding loop in the model?`);
    path.hops.push(hop);
    leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: 'trace too long (loop?)' });
    return false;
  }
  return true;
}

function dropped(path: TracePath, c: Cursor, hop: Hop): TracePath {
  return leaf(path, { kind: 'dropped', node: c.node.model.name, namespace: c.ns.info.name, reason: hop.drop ?? 'dropped' });
}

/** Packet arriving on `inIface` of the cursor's namespace from the wire. */
function ingress(ctx: Ctx, c: Cursor, pkt: Packet, path: TracePath): TracePath {
  if (!guard(ctx, c, path, pkt)) return path;
  const pre = hookStep(ctx, c, 'PREROUTING', pkt, path);
  if ('done' in pre) return pre.done;
  let p = pre.packet;
  const local = isLocalAddress(p.dst, c.ns.env);
  if (local) {
    const rh = mkHop(ctx, c, 'routing', 'routing decision: local', p, { verdict: 'ACCEPT' });
    rh.detail.push(`${p.dst} is an address of this namespace → INPUT`);
    path.hops.push(rh);
    const inp = hookStep(ctx, c, 'INPUT', p, path);
    if ('done' in inp) return inp.done;
    p = inp.packet;
    const svc = ipvsLookup(c, p);
    if (svc !== 'none') return ipvsStep(ctx, c, p, path, svc, 'LOCAL_IN');
    return deliver(ctx, c, p, path);
  }
  const route = lookupRoute(c.ns, p.dst);
  if (!route) {
    const rh = mkHop(ctx, c, 'routing', 'routing decision: no route', p, { verdict: 'DROP', drop: `no route to ${p.dst} in ${c.ns.info.name}` });
    path.hops.push(rh);
    return dropped(path, c, rh);
  }
  const rh = mkHop(ctx, c, 'routing', `routing decision: forward via ${route.dev}`, p, { verdict: 'FORWARD', iface: { in: p.inIface, out: route.dev } });
  rh.detail.push(`route ${route.route}`);
  path.hops.push(rh);
  p = { ...p, outIface: route.dev };
  c.forwarded.push({ node: c.node, ns: c.ns, pkt: p });
  const fwd = hookStep(ctx, c, 'FORWARD', p, path);
  if ('done' in fwd) return fwd.done;
  return postrouting(ctx, c, fwd.packet, route, path);
}

/** Packet generated by a process in the cursor's namespace. */
function localOut(ctx: Ctx, c: Cursor, pkt: Packet, path: TracePath): TracePath {
  let route = lookupRoute(c.ns, pkt.dst);
  let p: Packet = { ...pkt, outIface: route?.dev };
  const out = hookStep(ctx, c, 'OUTPUT', p, path);
  if ('done' in out) return out.done;
  p = out.packet;
  const svc = ipvsLookup(c, p);
  if (svc !== 'none') return ipvsStep(ctx, c, p, path, svc, 'LOCAL_OUT');
  if (isLocalAddress(p.dst, c.ns.env)) return deliver(ctx, c, p, path);
  if (p.dst !== pkt.dst) route = lookupRoute(c.ns, p.dst);
  if (!route) {
    const rh = mkHop(ctx, c, 'routing', 'routing decision: no route', p, { verdict: 'DROP', drop: `no route to ${p.dst} in ${c.ns.info.name}` });
    path.hops.push(rh);
    return dropped(path, c, rh);
  }
  const rh = mkHop(ctx, c, 'routing', `routing decision: out via ${route.dev}`, p, { verdict: 'FORWARD', iface: { out: route.dev } });
  rh.detail.push(`route ${route.route}`);
  path.hops.push(rh);
  return postrouting(ctx, c, { ...p, outIface: route.dev }, route, path);
}

function postrouting(ctx: Ctx, c: Cursor, pkt: Packet, route: RouteChoice, path: TracePath): TracePath {
  const post = hookStep(ctx, c, 'POSTROUTING', pkt, path);
  if ('done' in post) return post.done;
  return transmit(ctx, c, post.packet, route.dev, route.nextHop, path);
}

/** A swarm service publishing this port through the routing mesh (ingress mode), from any node's model. */
function publishedService(sc: PreparedScenario, p: Packet): { service: string; target: number } | undefined {
  if (p.dport === undefined) return undefined;
  for (const n of sc.nodes) {
    for (const s of n.model.services) {
      for (const port of s.ports) {
        if (port.publishedPort === p.dport && port.protocol.toLowerCase() === p.proto && (port.publishMode ?? 'ingress') === 'ingress') return { service: s.name, target: port.targetPort };
      }
    }
  }
  return undefined;
}

/** What the node's ingress_sbox says about IPVS (for "routing mesh not programmed"). */
function ingressIpvsFact(node: PreparedNode): string {
  const sbox = [...node.ns.values()].find((n) => n.info.kind === 'ingress_sbox' || n.info.name === 'ingress_sbox');
  if (!sbox) return `${node.model.name} has no ingress_sbox namespace: the node is not attached to the ingress network`;
  if (!sbox.ipvs) return `no ipvsadm output captured for ${node.model.name}/${sbox.info.name}`;
  if (sbox.ipvs.status === 'absent') return `${node.model.name}/${sbox.info.name}: ${sbox.ipvs.reason ?? 'IPVS is absent in this kernel'}: Docker cannot program the routing mesh without IPVS`;
  if (sbox.ipvs.status !== 'ok') return `${node.model.name}/${sbox.info.name}: ${sbox.ipvs.reason ?? `ipvsadm status ${sbox.ipvs.status}`}`;
  const fwm = sbox.ipvs.services.filter((x) => x.protocol === 'FWM').map((x) => x.fwmark);
  return `${node.model.name}/${sbox.info.name} IPVS has ${fwm.length ? `FWM services ${fwm.join(', ')}` : 'no FWM service'}`;
}

function deliver(ctx: Ctx, c: Cursor, p: Packet, path: TracePath): TracePath {
  const pub = c.ns.info.kind === 'host' && !c.history.some((h) => h.node === c.node.model.name && h.ns === c.ns.info.name && h.rw.kind === 'DNAT') ? publishedService(ctx.sc, p) : undefined;
  if (pub) {
    const hop = mkHop(ctx, c, 'drop', `published port ${p.dport} (service ${pub.service}): routing mesh not programmed on ${c.node.model.name}`, p, { verdict: 'DROP' });
    hop.detail.push(
      `the host nat table has no DOCKER-INGRESS DNAT for ${p.proto}/${p.dport}: the packet stays addressed to ${c.node.model.name} itself and goes up to the host's sockets`,
      `the routing mesh does not listen on the host: nothing takes the connection (TCP reset / ICMP port unreachable)`,
      ingressIpvsFact(c.node),
    );
    hop.drop = `no routing-mesh DNAT for published port ${p.dport} on ${c.node.model.name}; ${ingressIpvsFact(c.node)}`;
    path.hops.push(hop);
    return dropped(path, c, hop);
  }
  const hop = mkHop(ctx, c, 'deliver', `delivered to a local socket ${endpoint(p.dst, p.dport)}`, p, { verdict: 'DELIVER' });
  const who = c.ns.info.containers.map((x) => x.serviceName ? `${x.name} (service ${x.serviceName})` : x.name);
  hop.detail.push(`${p.proto.toUpperCase()} ${endpoint(p.dst, p.dport)} in ${c.ns.info.name}${who.length ? ` — ${who.join(', ')}` : ''}; whether a process listens on port ${p.dport ?? '?'} is not known from the dumps`);
  path.hops.push(hop);
  leaf(path, { kind: 'delivered', node: c.node.model.name, namespace: c.ns.info.name, endpoint: endpoint(p.dst, p.dport) });
  path.hops.push(replyHop(ctx, c, p));
  return path;
}

// IPVS ----------------------------------------------------------------------------------------------------

function ipvsLookup(c: Cursor, p: Packet): IpvsService | 'none' | 'unknown' {
  const t = c.ns.ipvs;
  if (!t) return p.mark !== 0 && c.ns.info.kind !== 'host' ? 'unknown' : 'none';
  if (t.status !== 'ok') return p.mark !== 0 ? 'unknown' : 'none';
  return (p.mark !== 0 ? findFwmService(t, p.mark) : undefined) ?? findVipService(t, p.proto, p.dst, p.dport) ?? 'none';
}

function ipvsStep(ctx: Ctx, c: Cursor, p: Packet, path: TracePath, svc: IpvsService | 'unknown', at: 'LOCAL_IN' | 'LOCAL_OUT'): TracePath {
  if (svc === 'unknown') {
    const t = c.ns.ipvs;
    const hop = mkHop(ctx, c, 'ipvs', `IPVS (${at}): state unknown`, p, { verdict: 'UNKNOWN' });
    hop.detail.push(
      t ? `${t.reason ?? `ipvsadm status ${t.status}`}` : `no ipvsadm output captured for ${c.ns.info.name}`,
      `the packet carries mark 0x${p.mark.toString(16)}, which an IPVS FWM service would pick up; without IPVS state the backend cannot be named`,
    );
    if (t?.status === 'absent') hop.detail.push('IPVS absent in this kernel: Swarm VIP / routing-mesh load balancing cannot work here');
    path.hops.push(hop);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: hop.detail[0] });
  }
  const label = svc.protocol === 'FWM' ? `FWM ${svc.fwmark} (0x${(svc.fwmark ?? 0).toString(16)})` : `${svc.protocol} ${endpoint(svc.vip ?? svc.host ?? '?', svc.port)}`;
  const hop = mkHop(ctx, c, 'ipvs', `IPVS ${label} ${svc.scheduler} (${at})`, p, { verdict: svc.realServers.length ? 'FORWARD' : 'DROP' });
  hop.detail.push(`${c.ns.ipvsSource ?? 'ipvsadm'}:${svc.line} ${svc.protocol === 'FWM' ? `FWM  ${svc.fwmark} ${svc.scheduler}` : label} ${svc.flags.join(' ')}`.trim());
  const rs = svc.realServers;
  hop.detail.push(rs.length === 0 ? 'no real servers: IPVS drops the connection' : `${schedulerSentence(svc)}: any of ${rs.map((r) => `${r.host}${r.port !== undefined ? `:${r.port}` : ''} (${r.forward} w${r.weight})`).join(', ')}`);
  path.hops.push(hop);
  if (rs.length === 0) {
    hop.drop = `IPVS service ${label} has no real servers`;
    return dropped(path, c, hop);
  }
  const picked = ctx.req.backend ? rs.filter((r) => r.host === ctx.req.backend || r.address === ctx.req.backend) : rs;
  if (picked.length === 0) hop.detail.push(`backend ${ctx.req.backend} is not among the real servers`);
  for (const r of picked) {
    const sub: TracePath = { hops: [], branches: [] };
    const label2 = `${r.host}${r.port ? `:${r.port}` : ''}`;
    path.branches.push({ label: `IPVS → ${label2}`, path: sub });
    const cc: Cursor = { ...c, history: [...c.history], forwarded: [...c.forwarded] };
    const resolved = r.address ? undefined : resolveBackendName(ctx.sc, r.host);
    if (!r.address && !resolved) {
      const h = mkHop(ctx, cc, 'unknown', `backend ${r.host}: address unknown`, p, { verdict: 'UNKNOWN' });
      h.detail.push(`ipvsadm printed a name${r.truncated ? ' cut at its column width' : ''}, not an address (capture with ipvsadm -Ln to follow this backend)`);
      sub.hops.push(h);
      leaf(sub, { kind: 'unknown', node: cc.node.model.name, namespace: cc.ns.info.name, reason: `backend ${r.host}: address unknown` });
      continue;
    }
    const addr = (r.address ?? resolved?.ip) as string;
    const from = endpoint(p.dst, p.dport);
    const q: Packet = { ...p, dst: addr, dport: r.port && r.port !== 0 ? r.port : p.dport, ipvs: true, ipvsInfo: { vaddr: svc.vip, vport: svc.port, vproto: p.proto, fwmark: svc.fwmark, method: r.forward }, ct: { ...p.ct, status: [...p.ct.status, 'DNAT'] } };
    const rw: Rewrite = { kind: 'IPVS', from, to: endpoint(q.dst, q.dport), rule: `${label} → ${label2} ${r.forward}` };
    cc.history.push({ node: cc.node.model.name, ns: cc.ns.info.name, rw });
    const route = lookupRoute(cc.ns, q.dst);
    const rh = mkHop(ctx, cc, 'routing', route ? `IPVS ${r.forward} to ${endpoint(q.dst, q.dport)} via ${route.dev}` : `IPVS: no route to ${q.dst}`, q, { verdict: route ? 'FORWARD' : 'DROP', rewrites: [rw] });
    if (resolved) rh.detail.push(`ipvsadm printed the name ${r.host}${r.truncated ? ' (cut)' : ''}; ${resolved.how}`);
    if (route) rh.detail.push(`route ${route.route}`);
    sub.hops.push(rh);
    if (!route) {
      rh.drop = `no route to backend ${q.dst}`;
      dropped(sub, cc, rh);
      continue;
    }
    postrouting(ctx, cc, { ...q, outIface: route.dev }, route, sub);
  }
  return path;
}

/** Maps a name printed by ipvsadm (without -n, possibly cut) to an address using the models' network/service task lists. */
function resolveBackendName(sc: PreparedScenario, host: string): { ip: string; how: string } | undefined {
  for (const n of sc.nodes) {
    for (const net of n.model.networks) {
      for (const svc of net.services) {
        for (const t of svc.tasks) {
          if (t.name === host || t.name.startsWith(host) || host.startsWith(`${t.name}.`)) {
            return { ip: t.endpointIp.split('/')[0], how: `resolved to ${t.endpointIp} from network ${net.name} service ${svc.name} task ${t.name} (docker network inspect --verbose)` };
          }
        }
      }
      const ep = net.endpoints.find((e) => e.ipv4 && (e.name === host || host.startsWith(`${e.name}.`) || e.containerId.startsWith(host.split('.')[0])));
      if (ep?.ipv4) return { ip: ep.ipv4.split('/')[0], how: `resolved to ${ep.ipv4} from the endpoints of network ${net.name}` };
    }
  }
  return undefined;
}

function schedulerSentence(s: IpvsService): string {
  const names: Record<string, string> = { rr: 'round robin', wrr: 'weighted round robin', lc: 'least connection', wlc: 'weighted least connection', sh: 'source hashing', dh: 'destination hashing' };
  const persist = s.persistentTimeout !== undefined ? `, persistent ${s.persistentTimeout}s per client` : '';
  return `scheduler ${s.scheduler}${own(names, s.scheduler) ? ` (${own(names, s.scheduler) ?? ''})` : ''}${persist}; the connection goes to one backend, which one depends on scheduler state`;
}

// The wire ------------------------------------------------------------------------------------------------

function transmit(ctx: Ctx, c: Cursor, p: Packet, dev: string, nextHop: string, path: TracePath): TracePath {
  if (!guard(ctx, c, path, p)) return path;
  const i = iface(c.ns, dev);
  if (!i) {
    const hop = mkHop(ctx, c, 'unknown', `out ${dev}: interface not in the model`, p, { verdict: 'UNKNOWN' });
    path.hops.push(hop);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: `interface ${dev} not in the model` });
  }
  if (isBridge(c.ns, i)) return bridgeForward(ctx, c, p, i, nextHop, undefined, path);
  if (i.kind === 'vxlan' || i.vxlan) return vxlanOut(ctx, c, p, i, nextHop, path);
  const peer = peerOf(c.node, c.ns, i);
  if (peer) {
    const hop = mkHop(ctx, c, 'veth', `veth ${i.name} → ${peer.ns.info.name}/${peer.iface.name}`, p, { verdict: 'FORWARD', iface: { out: i.name } });
    path.hops.push(hop);
    return arrive(ctx, { ...c, ns: peer.ns, crossings: c.crossings + 1 }, p, peer.iface, nextHop, path);
  }
  if (c.ns.info.kind === 'host' || c.ns.info.name === 'host') {
    const target = nodeOwning(ctx.sc, p.dst);
    if (target && target !== c.node) return underlayArrive(ctx, c, target, p, path, `out ${i.name} to ${target.model.name}`);
    const hop = mkHop(ctx, c, 'exit', `leaves ${c.node.model.name} via ${i.name} towards ${nextHop}`, p, { verdict: 'FORWARD', iface: { out: i.name } });
    path.hops.push(hop);
    return leaf(path, { kind: 'left', node: c.node.model.name, reason: `sent on ${i.name} to ${nextHop} (outside the traced nodes)` });
  }
  const hop = mkHop(ctx, c, 'unknown', `out ${i.name}: peer unknown`, p, { verdict: 'UNKNOWN' });
  hop.detail.push(`${i.name} (${i.kind ?? 'kind unknown'}) has no resolved peer in the model`);
  path.hops.push(hop);
  return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: `peer of ${i.name} unknown` });
}

/** Frame arrives on interface `i` of the cursor's namespace, addressed (L2) to `nextHop`. */
function arrive(ctx: Ctx, c: Cursor, p: Packet, i: InterfaceInfo, nextHop: string, path: TracePath): TracePath {
  if (i.master) {
    const br = iface(c.ns, i.master);
    if (br) return bridgeForward(ctx, c, p, br, nextHop, i, path);
  }
  return ingress(ctx, c, crossNamespace(p, i.name), path);
}

function bridgeForward(ctx: Ctx, c: Cursor, p: Packet, br: InterfaceInfo, nextHop: string, fromPort: InterfaceInfo | undefined, path: TracePath): TracePath {
  // Addressed to the bridge itself: up into this namespace's IP stack.
  if (br.addresses.some((a) => a.address === nextHop) && fromPort) {
    const hop = mkHop(ctx, c, 'bridge', `${br.name}: to the bridge's own address ${nextHop}`, p, { verdict: 'FORWARD', iface: { in: fromPort.name } });
    path.hops.push(hop);
    return ingress(ctx, c, crossNamespace(p, br.name), path);
  }
  const ports = c.ns.info.interfaces.filter((x) => x.master === br.name && x !== fromPort);
  for (const port of ports) {
    if (port.kind === 'vxlan' || port.vxlan) continue;
    const peer = peerOf(c.node, c.ns, port);
    if (peer && peer.iface.addresses.some((a) => a.address === nextHop)) {
      const hop = mkHop(ctx, c, 'bridge', `${br.name}: port ${port.name} → ${peer.ns.info.name}/${peer.iface.name}`, p, { verdict: 'FORWARD', iface: { in: fromPort?.name, out: port.name } });
      hop.detail.push(`${nextHop} is on ${peer.ns.info.name}/${peer.iface.name}${peer.ns.info.containers.length ? ` (${peer.ns.info.containers.map((x) => x.name).join(', ')})` : ''}`);
      path.hops.push(hop);
      return ingress(ctx, { ...c, ns: peer.ns, crossings: c.crossings + 1 }, crossNamespace(p, peer.iface.name), path);
    }
  }
  if (fromPort && (fromPort.kind === 'vxlan' || fromPort.vxlan)) {
    // Frames from the overlay are never sent back into it (split horizon): no local port means nowhere to go.
    const hop = mkHop(ctx, c, 'drop', `${br.name}: no local port for ${nextHop}`, p, { verdict: 'DROP', drop: `${nextHop} is not attached to ${br.name} on ${c.node.model.name} (frame came from ${fromPort.name})` });
    hop.detail.push(`the FDB of the sending node points ${nextHop} at ${c.node.model.name}, but no namespace here has it (stale FDB entry, or the task is gone)`);
    path.hops.push(hop);
    return dropped(path, c, hop);
  }
  const vx = ports.find((x) => x.kind === 'vxlan' || x.vxlan);
  if (vx) {
    const hop = mkHop(ctx, c, 'bridge', `${br.name}: port ${vx.name} (vxlan)`, p, { verdict: 'FORWARD', iface: { in: fromPort?.name, out: vx.name } });
    hop.detail.push(`${nextHop} is not on a local port of ${br.name}`);
    path.hops.push(hop);
    return vxlanOut(ctx, c, p, vx, nextHop, path);
  }
  const hop = mkHop(ctx, c, 'drop', `${br.name}: no port leads to ${nextHop}`, p, { verdict: 'DROP', drop: `no port of ${br.name} in ${c.ns.info.name} leads to ${nextHop} (no veth peer with that address, no vxlan port)` });
  path.hops.push(hop);
  return dropped(path, c, hop);
}

function vxlanOut(ctx: Ctx, c: Cursor, p: Packet, vx: InterfaceInfo, nextHop: string, path: TracePath): TracePath {
  const neigh = c.ns.info.neighbors.find((n) => n.dst === nextHop && n.lladdr);
  const mac = neigh?.lladdr ?? dockerMacForIp(nextHop);
  const macHow = neigh ? `neighbour entry ${nextHop} lladdr ${neigh.lladdr}` : `MAC ${mac} derived from ${nextHop} (Docker's 02:42:<ip> convention; no neighbour entry captured)`;
  const fdb = c.ns.info.fdb.find((f) => f.mac.toLowerCase() === mac && f.dst && (f.dev === vx.name || !f.dev));
  const vni = vx.vxlan?.id;
  const net = c.node.model.networks.find((n) => c.ns.info.networkId && n.id.startsWith(c.ns.info.networkId));
  if (!fdb?.dst) {
    const hop = mkHop(ctx, c, 'drop', `${vx.name}: no FDB entry for ${mac}`, p, { verdict: 'DROP', drop: `no static FDB entry "${mac} dst <vtep>" on ${vx.name}: the overlay does not know which node has ${nextHop}` });
    hop.detail.push(macHow);
    const vip = vipService(ctx.sc, p.dst);
    if (vip) {
      hop.detail.push(`${p.dst} is the VIP of service ${vip}: no task owns it; the sender's mangle OUTPUT MARK + IPVS should have sent the packet to a task before it left (the mark was ${p.mark ? `0x${p.mark.toString(16)}` : 'not set'})`);
      const facts = ctx.sc.notes.filter((n) => /IPVS/.test(n));
      hop.detail.push(...facts);
      if (hop.drop) hop.drop += `; ${p.dst} is the VIP of service ${vip}, not load-balanced by the sender${facts.length ? ` (${facts[0]})` : ''}`;
    }
    path.hops.push(hop);
    return dropped(path, c, hop);
  }
  const dstport = vx.vxlan?.dstport ?? 4789;
  const encrypted = net?.encrypted === true;
  const hop = mkHop(ctx, c, 'vxlan', `${vx.name}${vni !== undefined ? ` VNI ${vni}` : ''}: FDB ${fdb.mac} dst ${fdb.dst} → UDP ${dstport}${encrypted ? ' in ESP' : ''}`, p, { verdict: 'FORWARD', iface: { out: vx.name } });
  hop.detail.push(macHow, `bridge fdb: ${fdb.mac} dev ${fdb.dev} dst ${fdb.dst} ${[...fdb.flags, fdb.state ?? ''].join(' ').trim()}`);
  if (encrypted) hop.detail.push('network is encrypted: the VXLAN packet is carried in ESP (IP protocol 50) between the nodes');
  path.hops.push(hop);
  // The encapsulated packet leaves through the host namespace of this node.
  const host = hostNs(c.node);
  if (!host) {
    const h = mkHop(ctx, c, 'unknown', 'underlay: host namespace not in the model', p, { verdict: 'UNKNOWN' });
    path.hops.push(h);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: 'host namespace unknown' });
  }
  const hc: Cursor = { ...c, ns: host, crossings: c.crossings + 1 };
  const route = lookupRoute(host, fdb.dst);
  const local = vx.vxlan?.local ?? route?.src ?? c.node.model.swarm?.nodeAddr ?? '0.0.0.0';
  const encap: Packet = { ...newPacket({ src: local, dst: fdb.dst, proto: 'udp', sport: 0, dport: dstport }), outIface: route?.dev, ipsecOut: encrypted };
  const out = hookStep(ctx, hc, 'OUTPUT', encap, path, { detail: `outer packet: UDP ${local} → ${fdb.dst}:${dstport} (VXLAN VNI ${vni ?? '?'}${encrypted ? ', ESP' : ''}); source port is a hash of the inner flow` });
  if ('done' in out) return out.done;
  const post = hookStep(ctx, hc, 'POSTROUTING', out.packet, path, {});
  if ('done' in post) return post.done;
  const outer = out.packet;
  const target = nodeOwning(ctx.sc, fdb.dst);
  if (!target) {
    const h = mkHop(ctx, hc, 'exit', `underlay: VTEP ${fdb.dst} is not a traced node`, outer, { verdict: 'UNKNOWN' });
    path.hops.push(h);
    return leaf(path, { kind: 'left', node: c.node.model.name, reason: `VXLAN sent to ${fdb.dst}, which is not among the traced nodes` });
  }
  return vxlanArrive(ctx, hc, target, outer, p, vni, nextHop, path);
}

/** A netfilter hook step: its hop goes on the path; a verdict other than ACCEPT ends the path there. */
function hookStep(ctx: Ctx, c: Cursor, hook: Hook, p: Packet, path: TracePath, underlay?: { detail?: string }): { packet: Packet } | { done: TracePath } {
  const h = hookHop(ctx, c, hook, p);
  if (underlay) {
    // the VXLAN packet in a host namespace
    h.hop.title = `underlay ${h.hop.title}`;
    if (underlay.detail) h.hop.detail.unshift(underlay.detail);
  }
  path.hops.push(h.hop);
  if (h.result && h.result.verdict !== 'ACCEPT') return { done: dropped(path, c, h.hop) };
  return { packet: h.result?.packet ?? p };
}

function underlayArrive(ctx: Ctx, c: Cursor, target: PreparedNode, p: Packet, path: TracePath, title: string): TracePath {
  const host = hostNs(target);
  const hop = mkHop(ctx, c, 'underlay', title, p, { verdict: 'FORWARD' });
  path.hops.push(hop);
  if (!host) return leaf(path, { kind: 'unknown', node: target.model.name, namespace: 'host', reason: 'host namespace of the target node unknown' });
  const inIf = host.info.interfaces.find((i) => i.addresses.some((a) => a.address === p.dst))?.name;
  return ingress(ctx, { ...c, node: target, ns: host, crossings: c.crossings + 1 }, crossNamespace(p, inIf ?? 'eth0'), path);
}

function vxlanArrive(ctx: Ctx, c: Cursor, target: PreparedNode, outer: Packet, inner: Packet, vni: number | undefined, nextHop: string, path: TracePath): TracePath {
  const host = hostNs(target);
  const u = mkHop(ctx, c, 'underlay', `underlay: ${c.node.model.name} → ${target.model.name} (${outer.dst})`, outer, { verdict: 'FORWARD' });
  path.hops.push(u);
  if (!host) return leaf(path, { kind: 'unknown', node: target.model.name, namespace: 'host', reason: 'host namespace of the target node unknown' });
  const hc: Cursor = { ...c, node: target, ns: host, crossings: c.crossings + 1 };
  const inIf = host.info.interfaces.find((i) => i.addresses.some((a) => a.address === outer.dst))?.name;
  const pre = hookStep(ctx, hc, 'PREROUTING', { ...crossNamespace(outer, inIf ?? 'eth0'), ipsecIn: outer.ipsecOut }, path, {});
  if ('done' in pre) return pre.done;
  const inp = hookStep(ctx, hc, 'INPUT', pre.packet, path, {});
  if ('done' in inp) return inp.done;
  // Decapsulate into the overlay namespace holding the vxlan device with the same VNI.
  let found: { ns: PreparedNs; vx: InterfaceInfo } | undefined;
  for (const ns of target.ns.values()) {
    const vx = ns.info.interfaces.find((i) => i.vxlan && i.vxlan.id === vni);
    if (vx) found = { ns, vx };
  }
  if (!found) {
    const h = mkHop(ctx, hc, 'drop', `VXLAN VNI ${vni ?? '?'}: no overlay namespace on ${target.model.name}`, pre.packet, { verdict: 'DROP', drop: `${target.model.name} has no vxlan device with VNI ${vni ?? '?'} in the model (network not instantiated there?)` });
    path.hops.push(h);
    return dropped(path, hc, h);
  }
  const oc: Cursor = { ...hc, ns: found.ns, crossings: hc.crossings + 1 };
  const dec = mkHop(ctx, oc, 'vxlan', `decapsulated on ${found.vx.name} (VNI ${vni})`, { ...inner, mark: 0 }, { verdict: 'FORWARD', iface: { in: found.vx.name } });
  path.hops.push(dec);
  return arrive(ctx, oc, { ...inner, mark: 0 }, found.vx, nextHop, path);
}

// Replies -------------------------------------------------------------------------------------------------

function replyHop(ctx: Ctx, c: Cursor, delivered: Packet): Hop {
  const hop = mkHop(ctx, c, 'reply', 'reply path (conntrack)', delivered, { verdict: 'ACCEPT' });
  const rev = [...c.history].reverse().filter((h) => h.rw.kind !== 'MARK');
  hop.detail.push(`reply ${endpoint(delivered.dst, delivered.dport)} → ${endpoint(delivered.src, delivered.sport)} retraces the path; conntrack undoes the translations in reverse:`);
  for (const h of rev) hop.detail.push(`  ${h.node}/${h.ns}: un-${h.rw.kind} ${h.rw.to} → ${h.rw.from}`);
  if (rev.length === 0) hop.detail.push('  (no address translation on the way in)');
  // Forwarding namespaces must let the reply through (ctstate ESTABLISHED).
  for (const f of c.forwarded) {
    if (!f.ns.rules) continue;
    const fp = f.pkt;
    // the answer to a TCP SYN is a SYN-ACK (kernel-differential case 77: a --tcp-flags SYN SYN rule takes it)
    const syn = fp.proto === 'tcp' && (fp.tcpFlags ?? (fp.ct.state === 'NEW' ? ['SYN'] : [])).includes('SYN');
    const replyPkt: Packet = {
      ...newPacket({ src: fp.dst, dst: fp.src, proto: fp.proto, sport: fp.dport, dport: fp.sport, inIface: fp.outIface }),
      outIface: fp.inIface,
      tcpFlags: fp.proto === 'tcp' ? (syn ? ['SYN', 'ACK'] : ['ACK']) : undefined,
    };
    // the connection's NAT status as it stands after the whole forward path (SNAT/MASQUERADE come after FORWARD)
    const here = (h: { node: string; ns: string }): boolean => h.node === f.node.model.name && h.ns === f.ns.info.name;
    const snat = c.history.some((h) => here(h) && (h.rw.kind === 'SNAT' || h.rw.kind === 'MASQUERADE')) && !fp.ct.status.includes('SNAT');
    const status = snat ? [...fp.ct.status, 'SNAT'] : fp.ct.status;
    replyPkt.ct = { state: 'ESTABLISHED', origSrc: fp.ct.origSrc, origDst: fp.ct.origDst, origSport: fp.ct.origSport, origDport: fp.ct.origDport, dir: 'REPLY', status };
    const r = evaluateHook(f.ns.rules, 'FORWARD', replyPkt, f.ns.env);
    const decided = r.decidedBy;
    const by = decided ? (decided.kind === 'policy' ? `policy ${decided.policy}` : `${decided.chain} #${decided.position}: ${ruleText(decided.text)}`) : 'no rule';
    hop.detail.push(`${f.node.model.name}/${f.ns.info.name} FORWARD for the reply ${describePacket(replyPkt)} (${replyPkt.inIface ?? '?'} → ${replyPkt.outIface ?? '?'}, ctstate ESTABLISHED): ${r.verdict} by ${by}`);
    if (r.verdict !== 'ACCEPT') {
      hop.verdict = 'DROP';
      hop.drop = `reply dropped in ${f.node.model.name}/${f.ns.info.name} FORWARD by ${by}`;
    }
  }
  return hop;
}

// Entry ---------------------------------------------------------------------------------------------------

/** Name of the service whose VIP is this address, from any node's model. */
function vipService(sc: PreparedScenario, ip: string): string | undefined {
  for (const n of sc.nodes) {
    for (const net of n.model.networks) for (const s of net.services) if (s.vip?.split('/')[0] === ip) return s.name;
    for (const s of n.model.services) if (s.vips.some((v) => v.addr.split('/')[0] === ip)) return s.name;
  }
  return undefined;
}

function parseTo(sc: PreparedScenario, to: string): { ip: string; port?: number } | string {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(to);
  if (m) return { ip: m[1], port: m[2] ? Number(m[2]) : undefined };
  const [name, port] = to.split(':', 2);
  for (const n of sc.nodes) {
    for (const net of n.model.networks) {
      const s = net.services.find((x) => x.name === name && x.vip);
      if (s?.vip) return { ip: s.vip.split('/')[0], port: port ? Number(port) : undefined };
    }
    for (const s of n.model.services) {
      if (s.name === name && s.vips[0]) return { ip: s.vips[0].addr.split('/')[0], port: port ? Number(port) : undefined };
    }
  }
  return `cannot resolve destination "${to}": not ip[:port] and no service of that name with a VIP in the models`;
}

/** `task:<service>[@<node>][:<port>]`: a task of a service, optionally on a given node. */
const TASK_REF = /^task:([^@:]+)(?:@([^:]+))?(?::(\d+))?$/;

function isTaskOf(ns: PreparedNs, service: string): boolean {
  return ns.info.kind === 'task' && ns.info.containers.some((x) => x.serviceName === service || x.name.startsWith(`${service}.`));
}

/** Task namespaces of a service (on one node when given), in node order. */
function taskNamespaces(sc: PreparedScenario, service: string, node?: string): { node: PreparedNode; ns: PreparedNs }[] {
  return sc.nodes.filter((n) => !node || n.model.name === node).flatMap((n) => [...n.ns.values()].filter((ns) => isTaskOf(ns, service)).map((ns) => ({ node: n, ns })));
}

function inetAddresses(ns: PreparedNs): { address: string; prefixLen: number }[] {
  return ns.info.interfaces.filter((i) => i.name !== 'lo').flatMap((i) => i.addresses.filter((a) => a.family === 'inet'));
}

function findSourceNs(sc: PreparedScenario, from: string): { node: PreparedNode; ns: PreparedNs; ip: string } | undefined {
  const t = TASK_REF.exec(from);
  if (t) {
    const first = taskNamespaces(sc, t[1], t[2])[0];
    const ip = first ? inetAddresses(first.ns)[0]?.address : undefined;
    return first && ip ? { ...first, ip } : undefined;
  }
  for (const node of sc.nodes) {
    for (const ns of node.ns.values()) {
      if (ns.info.kind === 'host') continue;
      // A namespace name, a container name ("web.2.<taskid>" or just "web.2"), a container id prefix or a task id.
      const byName = ns.info.name === from || ns.info.containers.some((x) => x.name === from || x.name.startsWith(`${from}.`) || (from.length >= 6 && x.id.startsWith(from)) || x.taskId === from);
      const addr = ns.info.interfaces.flatMap((i) => i.addresses).find((a) => a.address === from);
      if (addr || byName) {
        const ip = addr?.address ?? ns.info.interfaces.flatMap((i) => i.addresses).find((a) => a.family === 'inet' && a.address !== '127.0.0.1')?.address;
        if (ip) return { node, ns, ip };
      }
    }
  }
  return undefined;
}

/** ", but the REPLY is DROPPED …" when the reply hop of a delivered path is dropped: the connection cannot complete. */
function replyDrop(p: TracePath): string {
  const h = p.hops.find((x) => x.kind === 'reply' && x.verdict === 'DROP');
  return h ? `, but the REPLY is DROPPED: ${h.drop ?? 'dropped'}` : '';
}

function countLeaves(p: TracePath, out: string[]): void {
  if (p.outcome) {
    const o = p.outcome;
    out.push(
      o.kind === 'delivered' ? `delivered to ${o.endpoint} in ${o.node}/${o.namespace}${replyDrop(p)}` : o.kind === 'dropped' ? `DROPPED in ${o.node}/${o.namespace}: ${o.reason}` : o.kind === 'left' ? `left ${o.node}: ${o.reason}` : `unknown in ${o.node}/${o.namespace}: ${o.reason}`,
    );
  }
  for (const b of p.branches) countLeaves(b.path, out);
}

/** The request's packet options (conntrack state, TCP flags, mark) applied to the traced packet. */
function withOptions(p: Packet, req: TraceRequest): Packet {
  const state = req.ctState ?? 'NEW';
  return {
    ...p,
    mark: req.mark !== undefined ? req.mark >>> 0 : p.mark,
    tcpFlags: req.tcpFlags ? req.tcpFlags.map((f) => f.toUpperCase()) : p.tcpFlags,
    ct: { ...p.ct, state },
  };
}

/** Traces one packet (by default the first packet of a connection) through the scenario. */
export function trace(sc: PreparedScenario, req: TraceRequest): TraceResult {
  const ctx: Ctx = { sc, req, nextId: 1, hopsTotal: 0 };
  const result: TraceResult = { request: req, scenario: sc.name, path: { hops: [], branches: [] }, summary: [], notes: [...sc.notes], diagnostics: [...sc.diagnostics] };
  const proto = (req.proto ?? 'tcp').toLowerCase();
  const src = findSourceNs(sc, req.from);
  const taskTo = TASK_REF.exec(req.to);
  let to: { ip: string; port?: number } | string;
  if (taskTo) {
    const dst = taskNamespaces(sc, taskTo[1], taskTo[2])[0];
    // The task's address on an overlay network the source shares; else on any overlay; else its first address.
    // (docker_gwbridge addresses are node-local and repeat on every node: never picked when an overlay one exists.)
    const overlayAddrs = (x: { node: PreparedNode; ns: PreparedNs }): { address: string; prefixLen: number }[] =>
      x.ns.info.interfaces
        .filter((i) => {
          const peer = peerOf(x.node, x.ns, i);
          return peer !== undefined && (peer.ns.info.kind === 'overlay' || /^\d+-/.test(peer.ns.info.name));
        })
        .flatMap((i) => i.addresses.filter((a) => a.family === 'inet'));
    const sameNet = (a: { address: string; prefixLen: number }, b: { address: string; prefixLen: number }): boolean => a.prefixLen === b.prefixLen && parseCidr(`${a.address}/${a.prefixLen}`)?.base === parseCidr(`${b.address}/${b.prefixLen}`)?.base;
    const dstOv = dst ? overlayAddrs(dst) : [];
    const srcOv = src ? overlayAddrs(src) : [];
    const ip = (dstOv.find((a) => srcOv.some((b) => sameNet(a, b))) ?? dstOv[0] ?? (dst ? inetAddresses(dst.ns)[0] : undefined))?.address;
    to = ip ? { ip, port: taskTo[3] ? Number(taskTo[3]) : undefined } : `cannot resolve destination "${req.to}": no task of service ${taskTo[1]}${taskTo[2] ? ` on ${taskTo[2]}` : ''} in the models`;
  } else to = parseTo(sc, req.to);
  if (typeof to === 'string') {
    result.summary.push(to);
    return result;
  }
  if (req.dport !== undefined) to = { ...to, port: req.dport };
  if (src === undefined && TASK_REF.test(req.from)) {
    result.summary.push(`cannot resolve source "${req.from}": no such task in the models`);
    return result;
  }
  const sport = req.sport ?? 40000;
  if (src && parseIpv4(req.from) === undefined) {
    // Named source: the kernel picks the source address of the route towards the destination.
    const viaRoute = lookupRoute(src.ns, to.ip)?.src;
    if (viaRoute) src.ip = viaRoute;
  }
  if (src) {
    const pkt = withOptions(newPacket({ src: src.ip, dst: to.ip, proto, sport, dport: to.port }), req);
    if (req.inIface) result.notes.push(`--in-iface ${req.inIface} ignored: the packet is sent by a process in ${src.ns.info.name}, it arrives on no interface`);
    const c: Cursor = { node: src.node, ns: src.ns, crossings: 0, history: [], forwarded: [] };
    const hop = mkHop(ctx, c, 'enter', `sent by a process in ${src.ns.info.name}`, pkt, { verdict: 'ACCEPT' });
    hop.detail.push(`source ${src.ip} (${src.ns.info.kind}${src.ns.info.containers.length ? `: ${src.ns.info.containers.map((x) => x.name).join(', ')}` : ''})`);
    result.path.hops.push(hop);
    localOut(ctx, c, pkt, result.path);
  } else {
    if (parseIpv4(req.from) === undefined) {
      result.summary.push(`cannot resolve source "${req.from}": not an IP and no task/container/namespace of that name`);
      return result;
    }
    const loopback = parseIpv4(to.ip)! >>> 24 === 127;
    const entry = req.entryNode ? sc.nodes.find((n) => n.model.name === req.entryNode) : loopback ? sc.nodes[0] : nodeOwning(sc, to.ip);
    const host = entry ? hostNs(entry) : undefined;
    if (!entry || !host) {
      result.summary.push(`no traced node has the address ${to.ip} (give --entry-node for a client reaching a node by another address)`);
      return result;
    }
    if (loopback) {
      // Loopback is only reachable from the node itself: a local client process in the host namespace.
      result.notes.push(`${to.ip} is a loopback address: traced as a client process on ${entry.model.name} itself (--entry-node to choose the node)`);
      const pkt = withOptions(newPacket({ src: to.ip, dst: to.ip, proto, sport, dport: to.port }), req);
      const c: Cursor = { node: entry, ns: host, crossings: 0, history: [], forwarded: [] };
      const hop = mkHop(ctx, c, 'enter', `sent by a process on ${entry.model.name} (host namespace)`, pkt, { verdict: 'ACCEPT' });
      hop.detail.push(`local client → ${endpoint(to.ip, to.port)}`);
      result.path.hops.push(hop);
      localOut(ctx, c, pkt, result.path);
      countLeaves(result.path, result.summary);
      return result;
    }
    const inIf = req.inIface ?? host.info.interfaces.find((i) => i.addresses.some((a) => a.address === to.ip))?.name ?? host.info.interfaces.find((i) => i.name !== 'lo' && !i.master && i.kind !== 'bridge' && i.kind !== 'veth')?.name;
    if (req.inIface && !host.info.interfaces.some((i) => i.name === req.inIface)) result.notes.push(`--in-iface ${req.inIface}: ${entry.model.name} has no such interface in its model (traced as given)`);
    const pkt = withOptions(newPacket({ src: req.from, dst: to.ip, proto, sport, dport: to.port, inIface: inIf }), req);
    const c: Cursor = { node: entry, ns: host, crossings: 0, history: [], forwarded: [] };
    const hop = mkHop(ctx, c, 'enter', `arrives at ${entry.model.name} on ${inIf ?? '?'}`, pkt, { verdict: 'ACCEPT', iface: { in: inIf } });
    hop.detail.push(`external client ${req.from} → ${endpoint(to.ip, to.port)}`);
    result.path.hops.push(hop);
    ingress(ctx, c, pkt, result.path);
  }
  countLeaves(result.path, result.summary);
  return result;
}

