/** Text of a `--verify` report: the predicted hops with what was observed beside each, and the verdict. */
import type { ObservedHop } from './verifyCompare';
import type { VerifyReport } from './verify';

const MARK: Record<ObservedHop['status'], string> = { seen: 'seen', 'not-seen': 'NOT SEEN', 'not-observable': 'no counter', 'no-access': 'no access' };

function probeLine(r: VerifyReport): string {
  const p = r.probe;
  if (!p) return 'probe: not sent';
  const t = p.target;
  const what = `${t.proto.toUpperCase()} ${t.src ?? '*'}:${t.sport ?? '*'} → ${t.dst}:${t.dport}`;
  return `probe: ${what} ${p.source.why}, with ${p.tool ?? 'no tool'}: ${p.outcome}${p.detail ? ` (${p.detail})` : ''}`;
}

export function formatVerify(r: VerifyReport): string {
  const out: string[] = [`verify ${r.request.proto ?? 'tcp'} from ${r.request.from} to ${r.request.to}`, probeLine(r)];
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push('', 'predicted hop                                                      observed');
  for (const o of r.observed) {
    const first = r.firstDifference?.id === o.id ? '>>' : '  ';
    const left = `${String(o.id).padStart(2)}. ${o.node}/${o.namespace} ${o.kind}: ${o.title}`;
    out.push(`${first}${left.length > 64 ? `${left.slice(0, 63)}…` : left.padEnd(64)} ${MARK[o.status]}`);
    for (const e of o.evidence) out.push(`        ${e}`);
    if (o.reason && o.status === 'not-seen') out.push(`        why: ${o.reason}`);
  }
  out.push('');
  for (const c of r.changedSinceDumps) {
    out.push(`changed since the dumps were read: ${c.node}/${c.namespace}`);
    for (const a of c.added) out.push(`  + ${a}`);
    for (const d of c.removed) out.push(`  - ${d}`);
  }
  if (r.firstDifference) out.push(`result: observed DIFFERS from predicted at hop ${r.firstDifference.id} (${r.firstDifference.node}/${r.firstDifference.namespace} ${r.firstDifference.title}): ${r.firstDifference.reason ?? 'not seen'}`);
  else if (r.agrees) out.push(`result: observed = predicted (${r.observed.filter((o) => o.status === 'seen').length} hops seen, ${r.observed.filter((o) => o.status !== 'seen').length} without a counter to read)`);
  else out.push('result: not verified (no probe was sent)');
  const changed = r.rulesIntact.filter((x) => !x.identical);
  out.push(
    changed.length
      ? `WARNING: iptables-save differs after the verification on ${changed.map((x) => `${x.node}/${x.namespace}`).join(', ')} (changed by someone else meanwhile?)`
      : `rules untouched: iptables-save (without counters) identical before and after on ${r.rulesIntact.length} namespaces`,
  );
  return `${out.join('\n')}\n`;
}
