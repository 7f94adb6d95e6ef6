/** rules/insert-order: `-I CHAIN` after `-A CHAIN` lines of the same chain lands before them. */
import type { LintFix } from '../types';
import type { LintRule } from '../rule';
import { add, isMine, replaceEdit } from '../pass';

export const insertOrder: LintRule = {
  code: 'rules/insert-order',
  severity: 'warning',
  description: '`-I CHAIN` lines end up before rules the file appended earlier (and consecutive inserts in reverse order).',
  docs: '`iptables -I CHAIN` inserts at position 1: a script that appends some rules and then inserts others gets the inserted ones first, and a run of `-I` lines ends up in reverse order. Use `-A` (after deleting a final RETURN) or explicit positions.',
  check(p) {
    if (!p.doc.some((d) => d.rule.op === 'I')) return;
    const appended = new Map<string, number[]>();
    for (const { rule, f } of p.doc) {
      const k = `${rule.table} ${rule.chain}`;
      if (rule.op === 'A') appended.set(k, [...(appended.get(k) ?? []), rule.line]);
      if (rule.op !== 'I' || !isMine(p, rule)) continue;
      const a = appended.get(k);
      const pos = rule.position ?? 1;
      if (!a || a.length === 0 || pos > a.length) continue;
      const fixes: LintFix[] = [];
      if (rule.position === undefined && f.opStart >= 0 && !(f.command && rule.chain === 'DOCKER-USER')) {
        fixes.push({ title: 'Append (-A) so the rule keeps its place in file order', edits: [replaceEdit({ line: rule.line, start: f.opStart, end: f.opEnd }, '-A')] });
      }
      const lines = a.slice(0, 3).map((l) => l + 1).join(', ');
      add(p, 'rules/insert-order', 'warning',
        `-I inserts at position ${pos} of ${rule.chain}: this rule runs BEFORE the ${a.length} rule(s) appended earlier in this file (line${a.length > 1 ? 's' : ''} ${lines}${a.length > 3 ? ', …' : ''}), not after them as the file order suggests.`,
        { line: rule.line, start: f.opStart >= 0 ? f.opStart : rule.span.start, end: f.opStart >= 0 ? f.opEnd : rule.span.end }, fixes);
    }
  },
};
