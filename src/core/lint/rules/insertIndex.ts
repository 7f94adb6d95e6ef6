/** rules/insert-index: `-I CHAIN N` with N past the end of the chain: iptables refuses it. */
import type { LintRule } from '../rule';

export const insertIndex: LintRule = {
  code: 'rules/insert-index',
  severity: 'error',
  description: '`-I CHAIN N` with N more than one past the end of the chain: iptables refuses it ("Index of insertion too big").',
  docs: 'iptables accepts `-I CHAIN N` for 1 ≤ N ≤ (rules in the chain) + 1 and otherwise fails with "iptables: Index of insertion too big." — the rule is not added and a `set -e` script stops. Reported as an error when the chain\'s contents are known (declared in the file, or the node\'s rules in node-aware mode); otherwise as info. On Docker ≥ 28.2.2 DOCKER-USER starts empty, so `-I DOCKER-USER 2` fails there.',
  check(p) {
    // the parser's assembler applies the inserts and reports positions past the end: name them
    for (const d of p.diags) {
      if (d.code !== 'syntax/bad-position' || !d.message.startsWith('insert position')) continue;
      d.code = 'rules/insert-index';
      d.severity = d.severity === 'warning' ? 'error' : 'info';
      d.message = `${d.message.replace(/: appended$/, '')}: iptables refuses the insert ("Index of insertion too big") and the rule is not added${d.severity === 'info' ? ' — if the chain on the host has no more rules than this file shows' : ''}.`;
    }
  },
};
