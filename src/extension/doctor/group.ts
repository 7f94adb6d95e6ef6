/**
 * The doctor's findings grouped for the findings view: by network (findings about no network under "cluster"),
 * then by node, in a stable order (networks and nodes by name, findings as reported). VS Code-free.
 */
import type { Finding } from '../../core/doctor/types';
import { shellJoin } from '../../core/transport/quote';

export const NO_NETWORK = '(cluster)';

export interface NodeGroup {
  node: string;
  findings: Finding[];
}

export interface NetworkGroup {
  network: string;
  nodes: NodeGroup[];
}

export function groupFindings(findings: readonly Finding[]): NetworkGroup[] {
  const byNet = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const net = f.network ?? NO_NETWORK;
    const nodes = byNet.get(net) ?? new Map<string, Finding[]>();
    byNet.set(net, nodes);
    const list = nodes.get(f.node) ?? [];
    nodes.set(f.node, list);
    list.push(f);
  }
  const byName = (a: string, b: string): number => (a === NO_NETWORK ? 1 : b === NO_NETWORK ? -1 : a.localeCompare(b, undefined, { numeric: true }));
  return [...byNet.keys()].sort(byName).map((network) => {
    const nodes = byNet.get(network) ?? new Map<string, Finding[]>();
    return { network, nodes: [...nodes.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).map((node) => ({ node, findings: nodes.get(node) ?? [] })) };
  });
}

/** The evidence of a finding as a read-only text: what is wrong, the symptom, each side's raw rows and the fix. */
export function evidenceText(f: Finding): string {
  const lines = [`${f.severity.toUpperCase()} ${f.code} on ${f.node}${f.network ? ` (network ${f.network})` : ''}`, f.message, '', `Symptom: ${f.symptom}`, ''];
  for (const e of f.evidence) {
    lines.push(`## ${e.label}`, `# from: ${e.source}`, ...(e.rows.length ? e.rows : ['(none)']), '');
  }
  if (f.fix) lines.push(`## Fix offered (runs on ${f.fix.node} only after you confirm it): ${f.fix.title}`, ...f.fix.commands.map((c) => shellJoin(c)), '');
  return lines.join('\n');
}
