/** Plain-text report of the doctor, grouped by network and node, each finding with its evidence and fix. */
import { shellJoin } from '../transport/quote';
import type { DoctorReport, Finding } from './types';

function group(findings: Finding[]): Map<string, Map<string, Finding[]>> {
  const out = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const net = f.network ?? '(cluster)';
    const byNode = out.get(net) ?? new Map<string, Finding[]>();
    byNode.set(f.node, [...(byNode.get(f.node) ?? []), f]);
    out.set(net, byNode);
  }
  return out;
}

export function formatReport(r: DoctorReport, opts: { evidence?: boolean } = {}): string {
  const lines: string[] = [];
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  lines.push(`swarm doctor: ${r.nodes.length} node(s), ${r.checks.length} checks, ${r.findings.length} finding(s) (${errors} error(s)) in ${r.durationMs.toFixed(1)} ms`);
  const number = new Map(r.findings.map((f, i) => [f, i + 1]));
  for (const [net, byNode] of group(r.findings)) {
    lines.push('', `network ${net}`);
    for (const [node, fs] of byNode) {
      lines.push(`  node ${node}`);
      for (const f of fs) {
        lines.push(`    [${number.get(f)}] ${f.severity} ${f.code}: ${f.message}`, `      symptom: ${f.symptom}`);
        if (opts.evidence !== false) for (const e of f.evidence) lines.push(`      evidence — ${e.label} [${e.source}]:`, ...(e.rows.length ? e.rows : ['(none)']).map((x) => `        ${x}`));
        if (f.fix) lines.push(`      fix (${f.fix.title}) — run on ${f.fix.node} only after you confirm (--apply ${number.get(f)}):`, ...f.fix.commands.map((c) => `        ${shellJoin(c)}`));
      }
    }
  }
  if (r.skipped.length) {
    lines.push('', 'skipped:');
    for (const s of r.skipped) lines.push(`  ${s.check}${s.node ? ` on ${s.node}` : ''}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
