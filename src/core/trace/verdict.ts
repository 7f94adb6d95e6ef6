/**
 * The outcome of a trace in one word per path and for the whole trace, with the CLI's exit codes:
 * delivered (and the reply comes back), reply-dropped (delivered, but the reply is dropped on the way back: the
 * connection cannot complete), forwarded-out (left the traced nodes), dropped, undecidable (the path depends on
 * a rule whose match cannot be decided offline, or on state the dumps lack).
 */
import type { Hop, HopRule, TracePath, TraceResult } from './types';

export type TraceVerdict = 'delivered' | 'reply-dropped' | 'forwarded-out' | 'dropped' | 'undecidable';

export interface PathVerdict {
  verdict: TraceVerdict;
  /** The leaf's summary line. */
  summary: string;
  /** Why it is undecidable / where the reply is dropped. */
  why?: string;
}

/** Exit codes of `swarmnet trace` (1: could not trace, 2: usage). */
export const EXIT_CODES: Record<TraceVerdict, number> = { delivered: 0, dropped: 3, 'reply-dropped': 4, 'forwarded-out': 5, undecidable: 6 };

/** When paths differ (IPVS backends), the trace's verdict is the first of these that some path has. */
const PRECEDENCE: TraceVerdict[] = ['dropped', 'reply-dropped', 'undecidable', 'forwarded-out', 'delivered'];

/** Effects of a taken rule that change neither the verdict nor the packet (a may-match there does not matter). */
function harmless(r: HopRule): boolean {
  return /^(LOG|NFLOG|ULOG|TRACE|AUDIT): continue$/.test(r.effect) || r.effect.startsWith('no target (counting rule)');
}

/** The first taken rule on the path whose match was undecided and whose effect matters. */
function undecidedRule(hops: Hop[]): HopRule | undefined {
  for (const h of hops) for (const r of h.rules) if (r.unsupported.length > 0 && !harmless(r)) return r;
  return undefined;
}

function leafVerdict(hops: Hop[], p: TracePath, summary: string): PathVerdict {
  const o = p.outcome;
  const undecided = undecidedRule(hops);
  if (undecided) return { verdict: 'undecidable', summary, why: `${undecided.table}/${undecided.chain} #${undecided.position}: ${undecided.unsupported[0]}` };
  if (!o || o.kind === 'unknown') return { verdict: 'undecidable', summary, why: o?.reason };
  if (o.kind === 'dropped') return { verdict: 'dropped', summary };
  if (o.kind === 'left') return { verdict: 'forwarded-out', summary };
  const reply = hops.find((h) => h.kind === 'reply' && h.verdict === 'DROP');
  return reply ? { verdict: 'reply-dropped', summary, why: reply.drop } : { verdict: 'delivered', summary };
}

/** Per-path verdicts in the order of the result's summary lines, and the trace's verdict. */
export function classifyTrace(r: TraceResult): { verdict: TraceVerdict | undefined; paths: PathVerdict[] } {
  const paths: PathVerdict[] = [];
  const walk = (p: TracePath, prefix: Hop[]): void => {
    const hops = [...prefix, ...p.hops];
    if (p.outcome) paths.push(leafVerdict(hops, p, r.summary[paths.length] ?? ''));
    for (const b of p.branches) walk(b.path, hops);
  };
  walk(r.path, []);
  const verdict = PRECEDENCE.find((v) => paths.some((x) => x.verdict === v));
  return { verdict, paths };
}
