/**
 * The scenario made ready for tracing: every namespace's dumps parsed once (rules merged per namespace, ipvsadm
 * read), with what the evaluator needs to know of the namespace (its addresses, its ipsets).
 */
import type { Diagnostic } from '../diagnostics';
import type { NamespaceInfo, NodeModel } from '../model';
import type { Ruleset } from '../iptables/model';
import { parseIpvsadm, type IpvsTable } from '../parsers/ipvsadm';
import { NamespaceRules, type EvalEnv } from './netfilter';
import type { NamespaceDumps, RuleDump, TraceScenario } from './types';
import { own } from '../record';

export type ParseRules = (dump: RuleDump) => Ruleset;

export interface PreparedNs {
  info: NamespaceInfo;
  rules?: NamespaceRules;
  ipvs?: IpvsTable;
  ipvsSource?: string;
  env: EvalEnv;
}

export interface PreparedNode {
  model: NodeModel;
  ns: Map<string, PreparedNs>;
}

export interface PreparedScenario {
  name?: string;
  nodes: PreparedNode[];
  notes: string[];
  diagnostics: Diagnostic[];
}

/** What the evaluator knows of a namespace: its IPv4 addresses per interface, and its ipsets when dumped. */
export function envOf(info: Pick<NamespaceInfo, 'interfaces'>, dumps?: NamespaceDumps): EvalEnv {
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
