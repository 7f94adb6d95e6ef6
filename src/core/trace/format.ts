/** Plain-text rendering of a trace (CLI output and the checked-in golden files). */
import type { Hop, HopRule, TracePath, TraceResult } from './types';

function counters(r: HopRule): string {
  return r.counters ? ` [${r.counters.packets} pkts ${r.counters.bytes} B]` : '';
}

function ruleLine(r: HopRule): string {
  const where = `${r.source}${r.line !== undefined ? `:${r.line}` : ''}`;
  const pos = r.position === 0 ? 'policy' : `#${r.position}`;
  return `${r.decided ? '*' : ' '} ${r.table}/${r.chain} ${pos}: ${r.text}  (${where})${counters(r)} → ${r.effect}`;
}

export function formatHop(h: Hop, indent: string): string[] {
  const out: string[] = [];
  const verdict = h.verdict ? ` [${h.verdict}]` : '';
  out.push(`${indent}${String(h.id).padStart(2)}. ${h.node}/${h.namespace} ${h.kind}: ${h.title}${verdict}`);
  out.push(`${indent}      packet: ${h.packet}`);
  for (const r of h.rules) {
    out.push(`${indent}      ${ruleLine(r)}`);
    for (const u of r.unsupported) out.push(`${indent}          ! ${u}`);
  }
  for (const rw of h.rewrites) if (rw.kind === 'IPVS') out.push(`${indent}      rewrite ${rw.kind}: ${rw.from} → ${rw.to}`);
  for (const d of h.detail) out.push(`${indent}      ${d}`);
  if (h.drop) out.push(`${indent}      DROP: ${h.drop}`);
  return out;
}

function formatPath(p: TracePath, indent: string, out: string[]): void {
  for (const h of p.hops) out.push(...formatHop(h, indent));
  for (const b of p.branches) {
    out.push(`${indent}  ── ${b.label}`);
    formatPath(b.path, `${indent}  │ `, out);
  }
}

export function formatTrace(t: TraceResult): string {
  const out: string[] = [];
  out.push(`trace ${t.request.proto ?? 'tcp'} from ${t.request.from} to ${t.request.to}${t.scenario ? ` (scenario ${t.scenario})` : ''}`);
  for (const n of t.notes) out.push(`note: ${n}`);
  out.push('');
  formatPath(t.path, '', out);
  out.push('');
  out.push('result:');
  for (const s of t.summary) out.push(`  - ${s}`);
  return `${out.join('\n')}\n`;
}
