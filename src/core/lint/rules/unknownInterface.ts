/** node/unknown-interface: an interface the selected node does not have (node-aware mode). */
import type { LintRule } from '../rule';
import type { LintFix } from '../types';
import { add, docLine, isMine, replaceEdit } from '../pass';

/** The candidate within edit distance 2 (typos like eht0, eth1 → eth0), if exactly one is closest. */
export function closestName(name: string, candidates: string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length];
  };
  let best: string | undefined;
  let bestD = 3;
  let ties = 0;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > 2) continue;
    const d = dist(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
      ties = 0;
      // Stryker disable next-line UpdateOperator: equivalent, only ties === 0 is read: counting ties down is as non-zero as counting them up
    } else if (d === bestD) ties++;
  }
  return ties === 0 ? best : undefined;
}

export const unknownInterface: LintRule = {
  code: 'node/unknown-interface',
  severity: 'warning',
  description: 'Node-aware mode: `-i`/`-o` names an interface the node does not have.',
  docs: 'With node context (Lint Against Node) the node\'s interfaces are known: a match on a missing interface never succeeds there (a typo, or the bridge of a network that does not exist on this node).',
  check(p) {
    const ifs = p.pc.interfaces;
    if (!ifs) return;
    const node = p.pc.ctx?.nodeName ? `node ${p.pc.ctx.nodeName}` : 'the selected node';
    const names = [...ifs].filter((i) => !/^veth/.test(i));
    for (const { rule } of p.doc) {
      if (rule.op === 'D' || !isMine(p, rule)) continue;
      for (const b of [rule.inInterface, rule.outInterface]) {
        if (!b || b.value.includes('$')) continue;
        const name = b.value;
        const known = name.endsWith('+') ? [...ifs].some((i) => i.startsWith(name.slice(0, -1))) : ifs.has(name);
        if (known) continue;
        const extra = /^br-[0-9a-f]{12}$/.test(name) ? ` (${name} is the bridge of a user-defined network that does not exist on this node)` : '';
        const near = closestName(name, names);
        const fixes: LintFix[] = near && docLine(p, b.span.line)?.slice(b.span.start, b.span.end) === name ? [{ title: `Use ${near} (an interface of ${node})`, edits: [replaceEdit(b.span, near)] }] : [];
        add(p, 'node/unknown-interface', 'warning', `There is no interface ${name} on ${node}${extra}: this match never ${b.negated ? 'fails' : 'succeeds'} there. Interfaces: ${names.slice(0, 10).join(', ')}.`, b.span, fixes);
      }
    }
  },
};
