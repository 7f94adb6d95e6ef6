/**
 * syntax/target-typo: `-j ACCEP` — a jump to a chain that nothing in the text creates, one letter away from a
 * standard target. The parser takes an unknown upper-case name for a user chain defined elsewhere; one edit from
 * ACCEPT/DROP/REJECT/RETURN/LOG it is a typo, and iptables refuses the rule ("Chain 'ACCEP' does not exist").
 */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import { add, isMine } from '../pass';

const STANDARD = ['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'MASQUERADE', 'DNAT', 'SNAT', 'MARK', 'NFLOG'];

/** Levenshtein distance, stopping early above 1 (only "one edit away" matters). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  const rest = (x: string, y: string): boolean => x === y;
  return rest(a.slice(i + 1), b.slice(i + 1)) || rest(a.slice(i), b.slice(i + 1)) || rest(a.slice(i + 1), b.slice(i)) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a.slice(i + 2), b.slice(i + 2)));
}

/** The standard target an upper-case target one letter away from it was meant to be (`-j DORP`), if any. */
function meantTarget(rule: Rule): string | undefined {
  const t = rule.target?.name;
  if (!t || STANDARD.includes(t) || t.length < 3 || !/^[A-Z]+$/.test(t)) return undefined;
  return STANDARD.find((s) => withinOneEdit(t, s));
}

export const targetTypo: LintRule = {
  code: 'syntax/target-typo',
  severity: 'error',
  description: 'A jump to a chain nothing creates whose name is one letter from a standard target (`-j ACCEP`): iptables refuses it.',
  docs: 'iptables reads an unknown `-j NAME` as a jump to a user chain and refuses the rule when no such chain exists ("Chain \'ACCEP\' does not exist"); a script with `set -e` stops there. When the text creates no chain of that name (`-N NAME`, `:NAME`) and the name is one edit away from ACCEPT, DROP, REJECT, RETURN, LOG, … it is reported with the target it most likely means.',
  appliesTo: (rule) => meantTarget(rule) !== undefined,
  check(p, rules) {
    if (p.kind !== 'proposal') return;
    let created: Set<string> | undefined;
    for (const { rule } of rules) {
      const t = rule.target?.name;
      const meant = meantTarget(rule);
      if (!t || !meant || !rule.target || !isMine(p, rule) || p.ruleset.tables.get(rule.table)?.chains.get(t)?.rules.length) continue;
      created ??= new Set(p.results.filter((r) => (r.kind === 'new-chain' || r.kind === 'chain') && r.chain).map((r) => r.chain as string));
      if (created.has(t)) continue;
      add(p, 'syntax/target-typo', 'error', `No chain "${t}" is created in this text and "${t}" is one letter from ${meant}: iptables refuses this rule ("Chain '${t}' does not exist"), and a script with set -e stops here. Did you mean -j ${meant}?`, rule.target.span);
    }
  },
};
