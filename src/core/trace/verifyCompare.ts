/**
 * The observed path beside the predicted one: for every predicted hop, what the counters read before and after
 * one probe say (rule counters for netfilter hops, interface counters for bridge/veth/VXLAN hops, the probe's
 * own answer for delivery and stops), and the first hop where the kernel disagrees, with the likely reason.
 * Pure: inputs are the predicted TraceResult, the dumps it used and the two reads; unit-tested on fixtures.
 *
 * Counters are per namespace, not per packet: a rule counted by other traffic looks "seen". So a hop is only
 * called different on evidence that excludes the prediction — a predicted rule that did not count at all, a rule
 * absent from the dumps that counted, an interface that passed nothing — never on a count alone.
 */
import type { ProbeResult } from './verifyProbe';
import type { TraceEvent } from './verifyTrace';
import { linkDelta, ruleDeltas, ruleKey, ruleSetChanges, type NsCounters, type RuleCount, type RuleDelta } from './verifyCounters';
import type { Hop, HopRule, TracePath, TraceResult } from './types';

export type HopStatus = 'seen' | 'not-seen' | 'not-observable' | 'no-access';

export interface ObservedHop {
  id: number;
  node: string;
  namespace: string;
  kind: Hop['kind'];
  title: string;
  status: HopStatus;
  /** What was read: "filter/DOCKER-USER #1 -A DOCKER-USER -j RETURN: +2 packets", "vxlan0 tx +3". */
  evidence: string[];
  /** Why the hop differs (set when status is not-seen, or a rule not in the dumps took packets here). */
  reason?: string;
}

export interface NsReads {
  node: string;
  namespace: string;
  /** The rules the prediction used (the dump's text), to find rules added or removed since. */
  dumpRules?: RuleCount[];
  before?: NsCounters;
  after?: NsCounters;
  /** `--verify=trace`: what xtables-monitor saw of the probe in this namespace (undefined = not traced here). */
  trace?: TraceEvent[];
}

export interface Comparison {
  observed: ObservedHop[];
  firstDifference?: ObservedHop;
  agrees: boolean;
  /** Rules added/removed on a namespace between the dump the prediction read and the verification. */
  changedSinceDumps: { node: string; namespace: string; added: string[]; removed: string[] }[];
  notes: string[];
}

export function allHops(p: TracePath): Hop[] {
  return [...p.hops, ...p.branches.flatMap((b) => allHops(b.path))];
}

const nsKey = (node: string, ns: string): string => `${node}\u0000${ns}`;

/** The (table, chain) pairs a netfilter hop walks: its hook in each table of its title, every chain it jumped to. */
export function walkedChains(hop: Hop): Set<string> {
  const out = new Set<string>();
  const m = /^(?:underlay )?([A-Z]+) \(([^)]*)\)/.exec(hop.title);
  if (m) for (const t of m[2].split(',').map((s) => s.trim())) out.add(`${t}/${m[1]}`);
  for (const r of hop.rules) {
    out.add(`${r.table}/${r.chain}`);
    const j = /^(?:jump|goto) (\S+)/.exec(r.effect);
    if (j) out.add(`${r.table}/${j[1]}`);
  }
  return out;
}

function fmtRule(r: { table: string; chain: string; position: number; text: string }): string {
  return `${r.table}/${r.chain} ${r.position ? `#${r.position}` : 'policy'} ${r.text}`;
}

interface NsView {
  reads: NsReads;
  deltas?: Map<string, RuleDelta>;
  /** Rules present at verification time but not in the dumps, that counted during the probe. */
  newCounted: RuleDelta[];
}

function viewOf(r: NsReads): NsView {
  const deltas = r.before && r.after ? ruleDeltas(r.before.rules, r.after.rules) : undefined;
  const newCounted: RuleDelta[] = [];
  if (deltas && r.dumpRules) {
    const added = new Set(ruleSetChanges(r.dumpRules, r.after?.rules ?? []).added);
    for (const d of deltas.values()) if (added.has(d.rule) && d.packets > 0) newCounted.push(d);
  }
  return { reads: r, deltas, newCounted };
}

/** Delta of a predicted rule, matched by table/chain/text (the nth occurrence, as in the dump). */
function deltaOf(v: NsView, r: HopRule): RuleDelta | undefined {
  if (!v.deltas) return undefined;
  for (let n = 0; n < 8; n++) {
    const d = v.deltas.get(ruleKey(r, n));
    if (!d) return undefined;
    if (d.rule.position === r.position || r.position === 0) return d;
  }
  return v.deltas.get(ruleKey(r, 0));
}

function netfilterHop(hop: Hop, v: NsView, o: ObservedHop, fresh: RuleDelta[]): void {
  const missing: string[] = [];
  let counted = 0;
  for (const r of hop.rules) {
    const d = deltaOf(v, r);
    if (!d) {
      if (r.position > 0) missing.push(`${fmtRule(r)} is no longer on the node`);
      continue;
    }
    if (d.packets > 0) {
      counted++;
      o.evidence.push(`${fmtRule(r)}: +${d.packets} packets`);
    } else if (r.position > 0) {
      missing.push(`${fmtRule(r)} counted nothing`);
      o.evidence.push(`${fmtRule(r)}: +0 packets`);
    }
  }
  for (const d of fresh) {
    o.evidence.push(`${fmtRule(d.rule)}: +${d.packets} packets (not in the dumps)`);
  }
  if (fresh.length) {
    o.status = 'not-seen';
    o.reason = `a rule not in the dumps took the packet: ${fresh.map((d) => fmtRule(d.rule)).join('; ')} (added after the rules were read)`;
    return;
  }
  if (missing.length) {
    const natOnly = hop.rules.filter((r) => missing.some((m) => m.startsWith(fmtRule(r)))).every((r) => r.table === 'nat');
    if (natOnly && hop.title.startsWith('underlay ')) {
      // The outer VXLAN flow (source port = a hash of the inner flow) is often tracked already: nat sees nothing new.
      o.status = counted > 0 ? 'seen' : 'not-observable';
      o.evidence.push('nat rules on the underlay count only a new outer VXLAN flow; this one may already be tracked');
      return;
    }
    o.status = 'not-seen';
    o.reason = natOnly && counted > 0
      ? `${missing.join('; ')}: nat rules see only a connection's first packet — a conntrack entry for this 5-tuple already existed`
      : `${missing.join('; ')}: the kernel did not take the predicted rule (state the dumps do not show: conntrack, mark, ipset, or the rules changed)`;
    return;
  }
  o.status = counted > 0 ? 'seen' : 'not-observable';
  if (counted === 0 && hop.rules.length) o.evidence.push('chain policies only, and their counters did not move (iptables-nft often keeps none)');
}

function ifaceHop(hop: Hop, v: NsView, o: ObservedHop, which: { name: string; dir: 'rx' | 'tx' } | undefined): void {
  const r = v.reads;
  if (!which || !r.before || !r.after) {
    o.status = o.status === 'no-access' ? 'no-access' : 'not-observable';
    return;
  }
  const d = linkDelta(r.before.links, r.after.links, which.name);
  if (!d) {
    o.status = 'not-observable';
    o.evidence.push(`${which.name}: not in ip -s link of ${hop.namespace}`);
    return;
  }
  const n = d[which.dir];
  o.evidence.push(`${which.name} ${which.dir} +${n} packets`);
  o.status = n > 0 ? 'seen' : 'not-seen';
  if (n === 0) o.reason = ifaceReason(hop, which.name);
}

function ifaceReason(hop: Hop, dev: string): string {
  switch (hop.kind) {
    case 'vxlan':
      return hop.iface?.out
        ? `${dev} sent nothing: no FDB row (bridge fdb show dev ${dev}) or neighbour entry for the destination MAC, or the peer is unknown to gossip`
        : `${dev} received nothing: the sending node did not encapsulate towards this node (FDB row elsewhere), or UDP 4789 was dropped on the underlay`;
    case 'bridge':
      return `br0 passed nothing to ${dev}: a missing or different FDB row on the bridge, or the port is down`;
    default:
      return `${dev} passed nothing for the probe`;
  }
}

/** Which interface counter shows a hop: bridge/veth/vxlan/exit use their out (tx) or in (rx) device. */
function ifaceFor(hop: Hop, lastIn: Map<string, string>): { name: string; dir: 'rx' | 'tx' } | undefined {
  if (hop.kind === 'deliver') {
    const i = lastIn.get(nsKey(hop.node, hop.namespace));
    return i ? { name: i, dir: 'rx' } : undefined;
  }
  if (!['bridge', 'veth', 'vxlan', 'exit'].includes(hop.kind)) return undefined;
  if (hop.iface?.out) return { name: hop.iface.out, dir: 'tx' };
  if (hop.iface?.in) return { name: hop.iface.in, dir: 'rx' };
  return undefined;
}

const ANSWERED = new Set(['connected', 'refused', 'answered']);

function probeHop(hop: Hop, probe: ProbeResult | undefined, o: ObservedHop, dstNode: string | undefined): boolean {
  if (!probe) return false;
  if (hop.kind === 'enter') {
    const sent = !['not-sent', 'error'].includes(probe.outcome);
    o.status = sent ? 'seen' : 'not-seen';
    o.evidence.push(`probe ${probe.tool ?? 'not sent'}: ${probe.outcome}${probe.detail ? ` (${probe.detail})` : ''}`);
    if (!sent) o.reason = `the probe could not be sent: ${probe.detail || probe.outcome}`;
    return true;
  }
  if (hop.kind === 'drop') {
    // A refusal (RST) from the stop's own node is its local stack answering; from elsewhere the packet went on.
    const passed = probe.outcome === 'connected' || probe.outcome === 'answered' || (probe.outcome === 'refused' && dstNode !== hop.node);
    o.evidence.push(`probe: ${probe.outcome}`);
    o.status = passed ? 'not-seen' : 'seen';
    if (passed) o.reason = `the destination answered the probe (${probe.outcome}): the packet went past the predicted stop`;
    return true;
  }
  if (hop.kind === 'deliver' && probe.target.proto === 'tcp') {
    o.evidence.push(`probe: ${probe.outcome}`);
    o.status = ANSWERED.has(probe.outcome) ? 'seen' : 'not-seen';
    if (o.status === 'not-seen') o.reason = `the destination never answered the probe (${probe.outcome})`;
    return true;
  }
  if (hop.kind === 'reply') {
    o.evidence.push(`probe: ${probe.outcome}`);
    o.status = probe.target.proto === 'tcp' && ANSWERED.has(probe.outcome) ? 'seen' : 'not-observable';
    return true;
  }
  return false;
}

/**
 * A netfilter hop read from TRACE events (exact, per packet, policies included): every predicted rule and policy
 * must be among the events of its table and chain. False when the trace shows nothing of the hop's tables.
 */
const uniq = (xs: string[]): string[] => [...new Set(xs)];

function traceHop(hop: Hop, events: readonly TraceEvent[], o: ObservedHop): boolean {
  const walked = walkedChains(hop);
  const mine = events.filter((e) => walked.has(`${e.table}/${e.chain}`));
  if (mine.length === 0) return false;
  const missing: string[] = [];
  for (const r of hop.rules) {
    const hit = mine.some((e) => e.table === r.table && e.chain === r.chain && (r.position === 0 ? e.kind === 'policy' : e.kind === 'rule' && e.text === r.text));
    o.evidence.push(`TRACE ${fmtRule(r)}: ${hit ? 'taken' : 'NOT taken'}`);
    if (!hit) missing.push(fmtRule(r));
  }
  const took = uniq(mine.filter((e) => e.kind !== 'return').map((e) => `${e.table}/${e.chain} ${e.kind === 'rule' ? e.text ?? '' : 'policy'} → ${e.verdict}`)); // one line per rule, not per retransmission
  if (missing.length) {
    o.status = 'not-seen';
    o.reason = `TRACE shows the kernel did not take ${missing.join('; ')}; it took: ${took.join('; ')}`;
  } else o.status = 'seen';
  return true;
}

/**
 * Each rule that is not in the dumps but counted during the probe belongs to one predicted netfilter hop of its
 * namespace: the first that walks its chain, else the first whose hook has the chain's name.
 */
function assignNewRules(hops: readonly Hop[], views: Map<string, NsView>): Map<number, RuleDelta[]> {
  const out = new Map<number, RuleDelta[]>();
  for (const v of views.values()) {
    const mine = hops.filter((h) => h.kind === 'netfilter' && h.node === v.reads.node && h.namespace === v.reads.namespace);
    for (const d of v.newCounted) {
      const chain = `${d.rule.table}/${d.rule.chain}`;
      const hop = mine.find((h) => walkedChains(h).has(chain)) ?? mine.find((h) => new RegExp(`^(?:underlay )?${d.rule.chain} \\(`).test(h.title));
      if (hop) out.set(hop.id, [...(out.get(hop.id) ?? []), d]);
    }
  }
  return out;
}

function observeHop(hop: Hop, v: NsView | undefined, probe: ProbeResult | undefined, fresh: RuleDelta[], lastIn: Map<string, string>, dstNode: string | undefined): ObservedHop {
  const o: ObservedHop = { id: hop.id, node: hop.node, namespace: hop.namespace, kind: hop.kind, title: hop.title, status: 'not-observable', evidence: [] };
  if (probeHop(hop, probe, o, dstNode)) return o;
  if (!v?.reads.before || !v.reads.after) {
    o.status = 'no-access';
    o.evidence.push(v ? [...(v.reads.before?.problems ?? []), ...(v.reads.after?.problems ?? [])].join('; ') || 'counters not read' : 'no command access to this namespace');
    return o;
  }
  if (hop.kind === 'netfilter' && v.reads.trace && traceHop(hop, v.reads.trace, o)) return o;
  if (hop.kind === 'netfilter') {
    netfilterHop(hop, v, o, fresh);
    // Policies only (no counters in iptables-nft): the interfaces the hop names still show the packet passing.
    if (o.status === 'not-observable' && hop.namespace !== 'host' && hop.iface?.out) ifaceHop(hop, v, o, { name: hop.iface.out, dir: 'tx' });
    else if (o.status === 'not-observable' && hop.namespace !== 'host' && hop.iface?.in) ifaceHop(hop, v, o, { name: hop.iface.in, dir: 'rx' });
    return o;
  }
  if (hop.kind === 'ipvs') {
    o.evidence.push('IPVS choices leave no counter in iptables; read the hops after it');
    return o;
  }
  ifaceHop(hop, v, o, ifaceFor(hop, lastIn));
  if (hop.kind === 'deliver' && probe?.outcome === 'answered' && o.status !== 'seen') {
    o.status = 'seen';
    o.evidence.push('the destination answered the probe');
    o.reason = undefined;
  }
  return o;
}

/** Where the prediction and the kernel first part, with earlier IPVS hops named as a likely cause. */
function firstDifferenceOf(observed: ObservedHop[]): ObservedHop | undefined {
  const i = observed.findIndex((o) => o.status === 'not-seen');
  if (i < 0) return undefined;
  const first = observed[i];
  if (observed.slice(0, i).some((o) => o.kind === 'ipvs') && !/not in the dumps/.test(first.reason ?? '')) {
    first.reason = `${first.reason ?? 'not seen'}; an IPVS hop comes before: IPVS state (another backend chosen, or no service) may explain it`;
  }
  return first;
}

/** Compares one prediction with what the kernel counted around one probe (dstNode: the node owning the probe's destination address). */
export function compareObserved(predicted: TraceResult, reads: readonly NsReads[], probe: ProbeResult | undefined, opts: { dstNode?: string } = {}): Comparison {
  const views = new Map(reads.map((r) => [nsKey(r.node, r.namespace), viewOf(r)]));
  const hops = allHops(predicted.path);
  const fresh = assignNewRules(hops, views);
  const lastIn = new Map<string, string>();
  const observed: ObservedHop[] = [];
  for (const hop of hops) {
    const k = nsKey(hop.node, hop.namespace);
    if (hop.iface?.in) lastIn.set(k, hop.iface.in);
    observed.push(observeHop(hop, views.get(k), probe, fresh.get(hop.id) ?? [], lastIn, opts.dstNode));
  }
  const firstDifference = firstDifferenceOf(observed);
  const changedSinceDumps = reads.flatMap((r) => {
    if (!r.dumpRules || !r.before) return [];
    const c = ruleSetChanges(r.dumpRules, r.before.rules);
    return c.added.length || c.removed.length ? [{ node: r.node, namespace: r.namespace, added: c.added.map(fmtRule), removed: c.removed.map(fmtRule) }] : [];
  });
  const notes: string[] = [];
  const assigned = new Set([...fresh.values()].flat());
  for (const v of views.values()) {
    for (const d of v.newCounted) if (!assigned.has(d)) notes.push(`${v.reads.node}/${v.reads.namespace}: ${fmtRule(d.rule)} is not in the dumps and counted +${d.packets} packets, on no predicted hop`);
  }
  const sent = probe !== undefined && !['not-sent', 'error'].includes(probe.outcome);
  return { observed, firstDifference, agrees: sent && !firstDifference, changedSinceDumps, notes };
}
