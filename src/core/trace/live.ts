/**
 * Live traces: discovered NodeModels (src/core/discovery.ts discoverNode) plus the rules gathered from the same
 * nodes (src/core/gather/rules.ts: iptables-save of the host and of every Docker namespace, ipset, ipvsadm -Ln,
 * one round trip per node). The fixture loader (./scenarioDir.ts) produces the same TraceScenario shape from
 * files, so live and recorded traces go through the same tracer.
 *
 * For the extension's "Trace Packet…" command:
 *   const result = await traceLive(nodes.map((n) => ({ model: n.model, runner: n.conn.runner })), from, to, { proto: 'tcp' });
 *   showTrace(context, result, openRule);
 */
import type { Diagnostic } from '../diagnostics';
import { discoverNode, type NodeConnection } from '../discovery';
import { gatherRules } from '../gather/rules';
import type { NodeModel } from '../model';
import type { CommandRunner } from '../transport/types';
import { parseDump } from './parseDump';
import { prepareScenario, trace, withDockerUserWhatIf } from './tracer';
import type { ScenarioNode, TraceRequest, TraceResult, TraceScenario } from './types';

export interface LiveNode {
  model: NodeModel;
  /** Command access to the node; without it the node's hooks are reported as not captured (assumed ACCEPT). */
  runner?: CommandRunner;
}

export interface LiveOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TraceLiveOptions extends LiveOptions {
  proto?: string;
  sport?: number;
  entryNode?: string;
  backend?: string;
  /** Proposed DOCKER-USER rules (iptables -S / -A lines) replacing the live chain; node = only on that node. */
  whatIf?: { text: string; source: string; node?: string };
}

/** Gathers the rules of one already-discovered node into a scenario node. Never throws: failures become diagnostics. */
export async function scenarioNodeFor(n: LiveNode, opts: LiveOptions = {}): Promise<{ node: ScenarioNode; facts: string[]; diagnostics: Diagnostic[] }> {
  if (!n.runner) {
    const d: Diagnostic = { severity: 'warning', source: n.model.name, message: 'no command access to this node: iptables and IPVS state cannot be gathered, hooks are reported as not captured' };
    return { node: { model: n.model, dumps: {} }, facts: [], diagnostics: [d] };
  }
  const names = n.model.namespaces.filter((x) => x.kind !== 'host' && x.name !== 'host').map((x) => x.name);
  try {
    const g = await gatherRules(n.runner, names, opts);
    return { node: { model: n.model, dumps: g.namespaces }, facts: g.facts, diagnostics: g.diagnostics.map((d) => ({ ...d, source: `${n.model.name}: ${d.source}` })) };
  } catch (e) {
    const d: Diagnostic = { severity: 'error', source: n.model.name, message: `gathering rules failed: ${e instanceof Error ? e.message : String(e)}` };
    return { node: { model: n.model, dumps: {} }, facts: [], diagnostics: [d] };
  }
}

/** A TraceScenario from discovered models, gathering every node's rules in parallel. */
export async function liveScenarioFromModels(nodes: LiveNode[], opts: LiveOptions = {}): Promise<{ scenario: TraceScenario; diagnostics: Diagnostic[] }> {
  const parts = await Promise.all(nodes.map((n) => scenarioNodeFor(n, opts)));
  return {
    scenario: { name: 'live', nodes: parts.map((p) => p.node), notes: [...new Set(parts.flatMap((p) => p.facts))] },
    diagnostics: parts.flatMap((p) => p.diagnostics),
  };
}

/** Discovers one connection's node, then gathers its rules (used by the extension's Trace Packet command). */
export async function liveScenarioNode(conn: NodeConnection, opts: LiveOptions = {}): Promise<{ node: ScenarioNode; facts: string[] }> {
  const model = await discoverNode(conn, opts);
  const r = await scenarioNodeFor({ model, runner: conn.runner }, opts);
  model.diagnostics.push(...r.diagnostics);
  return { node: r.node, facts: r.facts };
}

/** Discovers each connection's node, then gathers its rules (CLI path). */
export async function liveScenario(conns: NodeConnection[], opts: LiveOptions = {}): Promise<TraceScenario> {
  const parts = await Promise.all(conns.map((c) => liveScenarioNode(c, opts)));
  return { name: 'live', nodes: parts.map((p) => p.node), notes: [...new Set(parts.flatMap((p) => p.facts))] };
}

/**
 * The tail of every trace (CLI, extension, traceLive): parse the dumps, apply a what-if DOCKER-USER file (its
 * parse diagnostics are returned apart, and also land in the result), trace.
 */
export function traceScenario(scenario: TraceScenario, req: TraceRequest, whatIf?: TraceLiveOptions['whatIf']): { result: TraceResult; whatIfDiagnostics: Diagnostic[] } {
  let prepared = prepareScenario(scenario, parseDump);
  let whatIfDiagnostics: Diagnostic[] = [];
  if (whatIf) {
    const w = withDockerUserWhatIf(prepared, parseDump, whatIf.text, whatIf.source, whatIf.node);
    prepared = w.prepared;
    whatIfDiagnostics = w.diagnostics;
  }
  return { result: trace(prepared, req), whatIfDiagnostics };
}

/** The one call the extension needs: gather, parse, (what-if,) trace. Gathering failures are in result.diagnostics. */
export async function traceLive(nodes: LiveNode[], from: string, to: string, opts: TraceLiveOptions = {}): Promise<TraceResult> {
  const { scenario, diagnostics } = await liveScenarioFromModels(nodes, opts);
  const req: TraceRequest = { from, to, proto: opts.proto, sport: opts.sport, entryNode: opts.entryNode, backend: opts.backend };
  const { result } = traceScenario(scenario, req, opts.whatIf);
  result.diagnostics.push(...diagnostics, ...nodes.flatMap((n) => n.model.diagnostics.filter((d) => d.severity === 'error')));
  return result;
}
