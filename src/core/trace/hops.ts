/**
 * The walk's state (where the packet is, what happened to it so far) and how a step becomes a hop on the path:
 * hop records, the netfilter step of one hook (its rules, verdict, rewrites), the end of a path.
 */
import type { Hit, Hook, HookResult, Rewrite } from './netfilter';
import { evaluateHook } from './netfilter';
import { describePacket, type Packet } from './packet';
import type { PreparedNode, PreparedNs, PreparedScenario } from './prepare';
import type { Hop, HopKind, HopRule, Outcome, TracePath, TraceRequest } from './types';

const MAX_HOPS = 400;
const MAX_NS_CROSSINGS = 40;

export interface Ctx {
  sc: PreparedScenario;
  req: TraceRequest;
  nextId: number;
  hopsTotal: number;
}

export interface Cursor {
  node: PreparedNode;
  ns: PreparedNs;
  crossings: number;
  /** Rewrites so far on this path, with where they happened (for the reply summary). */
  history: { node: string; ns: string; rw: Rewrite }[];
  /** Namespaces whose FORWARD hook the packet crossed (for the reply check). */
  forwarded: { node: PreparedNode; ns: PreparedNs; pkt: Packet }[];
}

export function mkHop(ctx: Ctx, c: Cursor, kind: HopKind, title: string, pkt: Packet, extra: Partial<Hop> = {}): Hop {
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
    hop.drop = d ? (d.kind === 'policy' ? `${d.table}/${d.chain} policy ${d.policy} (no rule accepted the packet)` : `${d.table}/${d.chain} rule #${d.position}: ${d.text}`) : `${hook}: ${r.verdict}`;
  }
  for (const rw of r.rewrites) c.history.push({ node: c.node.model.name, ns: c.ns.info.name, rw });
  return { hop, result: r };
}

/** A netfilter hook step: its hop goes on the path; a verdict other than ACCEPT ends the path there. */
export function hookStep(ctx: Ctx, c: Cursor, hook: Hook, p: Packet, path: TracePath, underlay?: { detail?: string }): { packet: Packet } | { done: TracePath } {
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

export function leaf(path: TracePath, outcome: Outcome): TracePath {
  path.outcome = outcome;
  return path;
}

export function guard(ctx: Ctx, c: Cursor, path: TracePath, pkt: Packet): boolean {
  if (ctx.hopsTotal > MAX_HOPS || c.crossings > MAX_NS_CROSSINGS) {
    const hop = mkHop(ctx, c, 'unknown', 'trace stopped', pkt, { verdict: 'UNKNOWN' });
    hop.detail.push(`more than ${c.crossings > MAX_NS_CROSSINGS ? `${MAX_NS_CROSSINGS} namespace crossings` : `${MAX_HOPS} hops`}: a forwarding loop in the model?`);
    path.hops.push(hop);
    leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: 'trace too long (loop?)' });
    return false;
  }
  return true;
}

export function dropped(path: TracePath, c: Cursor, hop: Hop): TracePath {
  return leaf(path, { kind: 'dropped', node: c.node.model.name, namespace: c.ns.info.name, reason: hop.drop ?? 'dropped' });
}

