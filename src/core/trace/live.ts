/**
 * Live scenario: a discovered NodeModel (src/core/discovery.ts discoverNode) plus the rules gathered from the
 * same connection (src/core/gather/rules.ts). This is the plug the CLI and the extension use; the fixture
 * loader (./scenarioDir.ts) produces the same TraceScenario shape from files.
 */
import { discoverNode, type NodeConnection } from '../discovery';
import { gatherRules } from '../gather/rules';
import type { ScenarioNode, TraceScenario } from './types';

export async function liveScenarioNode(conn: NodeConnection, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ node: ScenarioNode; facts: string[] }> {
  const model = await discoverNode(conn, opts);
  if (!conn.runner) {
    model.diagnostics.push({ severity: 'warning', source: 'trace', message: 'no command access to this node: iptables and IPVS state cannot be gathered, hooks will be assumed to ACCEPT' });
    return { node: { model, dumps: {} }, facts: [] };
  }
  const names = model.namespaces.filter((n) => n.kind !== 'host' && n.name !== 'host').map((n) => n.name);
  const g = await gatherRules(conn.runner, names, opts);
  model.diagnostics.push(...g.diagnostics);
  return { node: { model, dumps: g.namespaces }, facts: g.facts };
}

export async function liveScenario(conns: NodeConnection[], opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TraceScenario> {
  const parts = await Promise.all(conns.map((c) => liveScenarioNode(c, opts)));
  return { name: 'live', nodes: parts.map((p) => p.node), notes: [...new Set(parts.flatMap((p) => p.facts))] };
}
