/**
 * The rules a trace needs, per node, without rediscovering the swarm: the models already discovered are used
 * as they are; each node's rules are gathered with its own deadline (a hung node is reported as not captured
 * and delays nobody); and on a warm trace only the nodes on the path are gathered again — the others keep the
 * rules of the previous trace, as long as their model is the same discovery.
 * VS Code-free (plain node tests).
 */
import type { Diagnostic } from '../core/diagnostics';
import type { NodeModel } from '../core/model';
import { scenarioNodeFor, type LiveNode } from '../core/trace/live';
import type { ScenarioNode, TracePath, TraceResult, TraceScenario } from '../core/trace/types';

interface Entry {
  model: NodeModel;
  node: ScenarioNode;
  facts: string[];
  diagnostics: Diagnostic[];
}

export interface GatherOptions {
  signal?: AbortSignal;
  /** Deadline for one node's rules (its commands are bounded by it too). */
  perNodeTimeoutMs: number;
  /** Gather again only these nodes (the rest from the cache when it holds the same model). */
  only?: ReadonlySet<string>;
}

/** The nodes a trace's path (and its branches) passes through. */
export function nodesOnPath(result: TraceResult): Set<string> {
  const out = new Set<string>();
  const walk = (p: TracePath): void => {
    for (const h of p.hops) out.add(h.node);
    for (const b of p.branches) walk(b.path);
  };
  walk(result.path);
  return out;
}

export class RulesCache {
  private readonly entries = new Map<string, Entry>();
  /** How the last gather went, per node: ms, or 'cached' (for logs and tests). */
  lastTimings: Record<string, number | 'cached'> = {};

  /** True when every node has rules gathered for its current model. */
  warmFor(live: LiveNode[]): boolean {
    return live.length > 0 && live.every((n) => this.entries.get(n.model.name)?.model === n.model);
  }

  async scenario(live: LiveNode[], opts: GatherOptions): Promise<{ scenario: TraceScenario; diagnostics: Diagnostic[] }> {
    this.lastTimings = {};
    const parts = await Promise.all(live.map((n) => this.entryFor(n, opts)));
    return {
      scenario: { name: 'live', nodes: parts.map((p) => p.node), notes: [...new Set(parts.flatMap((p) => p.facts))] },
      diagnostics: parts.flatMap((p) => p.diagnostics),
    };
  }

  private async entryFor(n: LiveNode, opts: GatherOptions): Promise<Entry> {
    const name = n.model.name;
    const cached = this.entries.get(name);
    if (cached && cached.model === n.model && opts.only && !opts.only.has(name)) {
      this.lastTimings[name] = 'cached';
      return cached;
    }
    const t0 = Date.now();
    const deadlineAc = new AbortController();
    const timer = setTimeout(() => deadlineAc.abort(), opts.perNodeTimeoutMs);
    const deadline = deadlineAc.signal;
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    // The race also covers a runner that ignores the signal: the deadline is the deadline.
    const timedOut = new Promise<undefined>((ok) => (signal.aborted ? ok(undefined) : signal.addEventListener('abort', () => ok(undefined), { once: true })));
    const r = (await Promise.race([scenarioNodeFor(n, { signal, timeoutMs: opts.perNodeTimeoutMs }), timedOut])) ?? { node: { model: n.model, dumps: {} }, facts: [], diagnostics: [] as Diagnostic[] };
    clearTimeout(timer);
    this.lastTimings[name] = Date.now() - t0;
    if (deadline.aborted && !opts.signal?.aborted) {
      r.diagnostics.push({ severity: 'warning', source: name, message: `rules not gathered within ${opts.perNodeTimeoutMs} ms: this node's hooks are reported as not captured` });
      return { model: n.model, node: { model: n.model, dumps: {} }, facts: r.facts, diagnostics: r.diagnostics };
    }
    const entry = { model: n.model, node: r.node, facts: r.facts, diagnostics: r.diagnostics };
    if (!signal.aborted && !r.diagnostics.some((d) => d.severity === 'error')) this.entries.set(name, entry);
    return entry;
  }
}
