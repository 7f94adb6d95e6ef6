/** rules/duplicate: the same match and target twice in a chain. */
import type { LintRule } from '../rule';
import { neverRuns } from '../order';
import { add, deleteLineEdit } from '../pass';

export const duplicate: LintRule = {
  code: 'rules/duplicate',
  severity: 'warning',
  description: 'The same match and target twice in one chain.',
  docs: 'The second copy never changes a verdict. In scripts it usually means the script was run twice without `iptables -C … ||` guards, so every run adds another copy.',
  check(p) {
    for (const n of neverRuns(p)) {
      if (n.kind !== 'duplicate') continue;
      const by = n.by;
      const fixes = p.kind === 'listing' ? [] : [{ title: 'Delete the duplicate line', edits: [deleteLineEdit(n.rule.line)] }];
      add(p, 'rules/duplicate', 'warning', `Duplicate of the rule on ${by.line >= 0 ? `line ${by.line + 1}` : "the node's current rules"}: the same match and target twice in ${n.chain}; the second copy never changes anything.`,
        n.rule.span, fixes, by.line >= 0 ? [{ span: by.span, message: 'first copy' }] : undefined);
    }
  },
};
