/**
 * The tracer's side of a case (the API the CLI's `trace` uses: traceScenario, with the what-if file when there is
 * one) and its comparison with what the kernel did: the verdict of the first packet, the rule path through the
 * router's hooks (table, chain, position; 0 = the chain's policy), the fate of the server's answer and the rule that
 * decided it.
 */
import { traceScenario } from '../../src/core/trace/live';
import type { Hop, TraceResult } from '../../src/core/trace/types';
import type { KernelResult } from './bed';
import type { Case, Rendered } from './cases';
import type { TraceEvent, TracedPacket } from './monitor';
import { nsOfAddress } from './flows';
import { scenarioFor } from './topology';

export interface Step {
  table: string;
  chain: string;
  position: number;
  text: string;
  /** The tracer's "unsupported match …: treated as may-match" notes for this rule. */
  mayMatch: string[];
}

export interface TracerView {
  verdict: 'DELIVER' | 'DROP' | 'REJECT' | 'OTHER';
  path: Step[];
  replyVerdict?: 'ACCEPT' | 'DROP';
  /** "DOCKER-USER #3" / "policy" from the reply hop, when the tracer names it. */
  replyBy?: string;
  summary: string;
  whatIfDiagnostics: string[];
}

export function traceCase(c: Case, r: Rendered, ipsetSave: string): TracerView {
  const { scenario } = scenarioFor(r.dump, ipsetSave);
  const req = { from: c.flow.src, to: `${c.flow.dst}:${c.flow.dport}`, proto: c.flow.proto, sport: c.flow.sport };
  const whatIf = r.whatIf !== undefined ? { text: r.whatIf, source: 'what-if user.rules' } : undefined;
  const { result, whatIfDiagnostics } = traceScenario(scenario, req, whatIf);
  return { ...viewOf(result, c), whatIfDiagnostics: whatIfDiagnostics.filter((d) => d.severity === 'error').map((d) => d.message) };
}

function viewOf(result: TraceResult, c: Case): Omit<TracerView, 'whatIfDiagnostics'> {
  const hops = result.path.hops;
  const path: Step[] = hops
    .filter((h) => h.namespace === 'host' && h.kind === 'netfilter')
    .flatMap((h) => h.rules.map((r) => ({ table: r.table, chain: r.chain, position: r.position, text: r.text, mayMatch: r.unsupported })));
  const o = result.path.outcome;
  const dstNs = nsOfAddress(c.flow.fwdDst);
  let verdict: TracerView['verdict'] = 'OTHER';
  if (o?.kind === 'delivered' && o.namespace === dstNs) verdict = 'DELIVER';
  else if (o?.kind === 'dropped' && o.namespace === 'host') {
    const last = [...hops].reverse().find((h: Hop) => h.drop !== undefined);
    verdict = last?.verdict === 'REJECT' ? 'REJECT' : 'DROP';
  }
  const reply = hops.find((h) => h.kind === 'reply');
  let replyBy: string | undefined;
  for (const d of reply?.detail ?? []) {
    const m = /FORWARD for the reply .*: (?:ACCEPT|DROP|REJECT|QUEUE) by (?:policy (\w+)|(\S+) #(\d+):)/.exec(d);
    if (m) replyBy = m[1] ? 'policy' : `${m[2]} #${m[3]}`;
  }
  return { verdict, path, replyVerdict: reply ? (reply.verdict === 'DROP' ? 'DROP' : 'ACCEPT') : undefined, replyBy, summary: result.summary.join('; ') };
}

/** The kernel's rule path in the same terms: positions from the router's iptables-save after loading. */
export function kernelPath(p: TracedPacket | undefined, saved: Map<string, string[]>, dump: string): Step[] {
  if (!p) return [];
  const out: Step[] = [];
  for (const e of p.events) {
    if (e.type === 'return') continue;
    // tables the bed adds (raw for TRACE, an empty mangle) are not in the tracer's dump
    if ((e.table === 'raw' || e.table === 'mangle') && !dump.includes(`*${e.table}\n`)) continue;
    if (e.type === 'policy') {
      out.push({ table: e.table, chain: e.chain, position: 0, text: `-P ${e.chain} ${e.verdict}`, mayMatch: [] });
      continue;
    }
    out.push({ table: e.table, chain: e.chain, position: positionOf(e, saved), text: e.rule ?? '', mayMatch: [] });
  }
  return out;
}

function positionOf(e: TraceEvent, saved: Map<string, string[]>): number {
  const list = saved.get(`${e.table}/${e.chain}`) ?? [];
  const i = list.indexOf(e.rule ?? '');
  if (i < 0) return -1;
  // raw PREROUTING: the bed's TRACE rule is first, the dump's rules follow it.
  return e.table === 'raw' && e.chain === 'PREROUTING' ? i : i + 1;
}

/** The rule that decided the answer's fate in filter FORWARD, as the tracer names it ("DOCKER-USER #3" or "policy"). */
export function kernelReplyBy(p: TracedPacket | undefined, saved: Map<string, string[]>): string | undefined {
  if (!p) return undefined;
  const f = p.events.filter((e) => e.table === 'filter' && e.type !== 'return');
  const last = f[f.length - 1];
  if (!last) return undefined;
  return last.type === 'policy' ? 'policy' : `${last.chain} #${positionOf(last, saved)}`;
}

export const stepKey = (s: Step): string => `${s.table}/${s.chain}#${s.position}`;

export function samePath(a: Step[], b: Step[]): boolean {
  return a.length === b.length && a.every((s, i) => stepKey(s) === stepKey(b[i]));
}

/** First index where the paths differ (or the shorter length). */
export function divergence(a: Step[], b: Step[]): number {
  let i = 0;
  while (i < a.length && i < b.length && stepKey(a[i]) === stepKey(b[i])) i++;
  return i;
}

/**
 * Matches that cannot be decided offline, reviewed: a disagreement is accepted only where the tracer said
 * "may-match" for the rule at which the paths part AND that rule uses one of these.
 */
export const UNDECIDABLE: { pattern: RegExp; why: string }[] = [
  { pattern: /-m statistic --mode random/, why: 'statistic --mode random: the kernel draws a random number per packet; no dump says which way it falls' },
  { pattern: /-m limit /, why: 'limit: a token bucket whose level depends on the traffic before the traced packet (in this bed: none since the reload)' },
];

export interface Verdicts {
  verdict: boolean;
  path: boolean;
  reply: boolean;
  replyBy: boolean;
  explained?: string;
}

export function compare(k: KernelResult, t: TracerView, kp: Step[]): Verdicts {
  const verdict = k.verdict === t.verdict;
  const path = samePath(kp, t.path);
  const bothDelivered = k.verdict === 'DELIVER' && t.verdict === 'DELIVER';
  const reply = !bothDelivered || (k.replyVerdict === 'ACCEPT') === (t.replyVerdict === 'ACCEPT');
  // the tracer's reply check always names the rule (or policy) of the router's FORWARD: not finding it is a disagreement
  const replyBy = !bothDelivered || kernelReplyBy(k.reply, k.saved) === t.replyBy;
  let explained: string | undefined;
  if (!verdict || !path) {
    const at = t.path[divergence(kp, t.path)];
    const why = at && at.mayMatch.length > 0 ? UNDECIDABLE.find((u) => u.pattern.test(at.text)) : undefined;
    if (why) explained = `${at.chain} #${at.position}: ${why.why}`;
  }
  return { verdict, path, reply, replyBy, explained };
}

/**
 * A first guess at why a case disagrees, for triage in the report (the diagnosis proper is written by a person in
 * DISAGREEMENTS.md): the tracer's own may-match notes, and the rule features on the paths.
 */
export function triage(c: { mode: { kind: string } }, t: TracerView, kp: Step[], v: Verdicts, userText: string, replyRule: string): string {
  const notes = t.path.flatMap((s) => s.mayMatch).join(' ');
  const texts = [...t.path, ...kp].map((s) => s.text).join('\n');
  const answer = !v.reply || !v.replyBy;
  const checks: [boolean, string][] = [
    [/not captured/.test(notes), 'what-if: jump to a chain the file defines taken as RETURN'],
    [/--ctstatus/.test(`${texts}\n${replyRule}`), 'conntrack status bits: CONFIRMED/ASSURED/SEEN_REPLY on a first packet or first answer'],
    [answer && /-m mark /.test(replyRule), 'answer: a mark set in mangle PREROUTING on the answer\'s way in is not applied'],
    [/multi-dimension/.test(notes) || (answer && /--match-set \S+ (src|dst),/.test(replyRule)), 'multi-dimension ipset: only the first dimension checked'],
    [/^(?:iptables )?-[AI] \S+ .*-[sd] [\d./]+,/m.test(userText), 'address list: iptables adds one rule per address'],
    [/--ctrepl(src|dst)/.test(notes) || (answer && /--ctrepl(src|dst)/.test(userText)), 'conntrack reply tuple (--ctreplsrc/--ctrepldst): may-match'],
    [/--match-set tk-list/.test(texts) || (answer && /--match-set tk-list/.test(replyRule)), 'list:set members read as addresses'],
    [answer && /--ctstate \S*SNAT/.test(userText), 'answer: conntrack SNAT status (set in POSTROUTING) missing'],
    [answer && /--tcp-flags (SYN(,ACK)? SYN|SYN,ACK SYN,ACK)\b/.test(userText), 'answer: a SYN-ACK taken as a bare ACK (--tcp-flags … SYN)'],
    [c.mode.kind === 'what-if' && answer && /^(iptables )?-N |^:(?!DOCKER-USER)/m.test(userText), 'what-if: jump to a chain the file defines taken as RETURN'],
  ];
  const hit = checks.find(([yes]) => yes);
  if (hit) return hit[1];
  return notes ? `may-match: ${notes.slice(0, 80)}` : 'unclassified';
}

/** The text of a rule named "CHAIN #n" in the router's filter table as loaded. */
export function ruleNamed(saved: Map<string, string[]>, name: string | undefined): string {
  const m = /^(\S+) #(\d+)$/.exec(name ?? '');
  return m ? saved.get(`filter/${m[1]}`)?.[Number(m[2]) - 1] ?? '' : '';
}
