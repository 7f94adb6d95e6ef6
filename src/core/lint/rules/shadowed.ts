/** rules/shadowed: an earlier rule of the same chain always decides first. */
import type { LintRule } from '../rule';
import { neverRuns, type NeverRuns } from '../order';
import { add, type Pass } from '../pass';
import type { Rule } from '../../iptables/model';
import { fullKey } from '../facts';
import { alternatives, fenceOf } from '../sections';
import { copyInAnotherBlock } from './duplicate';
import { dockersReturn, isException, shadowedOnNewDocker } from './afterReturn';
import { exceptionsPushedDown } from './insertOrder';

/**
 * An `-I` DROP/REJECT that landed above exceptions written before it is reported once, as rules/insert-order on the
 * DROP; the rules written before it that it now hides are part of that one cause, not findings of their own.
 */
function reportedAsInsertOrder(p: Pass, n: NeverRuns): boolean {
  const f = p.facts.get(n.by);
  return n.rule.line >= 0 && n.rule.line < n.by.line && !!f && exceptionsPushedDown(p, n.by, f).length > 0;
}

/** Matches that limit what the rule lets through: a wider rule of the same verdict before it voids the limit. */
const LIMITS = new Set(['limit', 'hashlimit', 'connlimit', 'recent']);

/**
 * ACCEPT after a wider ACCEPT, DROP or REJECT after a wider DROP or REJECT: the packets the rule meant to decide are
 * decided alike, so it is redundant, not a lost intent (unless it carries a rate or connection limit the wider rule
 * voids).
 */
function sameVerdict(n: NeverRuns): boolean {
  const kind = (t: string | undefined) => (t === 'REJECT' ? 'DROP' : t);
  const by = n.by.target;
  const mine = n.rule.target;
  if (!by || !mine || by.goto || mine.goto || n.rule.matches.some((m) => LIMITS.has(m.module))) return false;
  return kind(by.name) === kind(mine.name) && ['ACCEPT', 'DROP', 'RETURN'].includes(kind(by.name) ?? '');
}

/**
 * The same rule (conditions and target) in an earlier code block of this Markdown document: a guide's "Explanation"
 * section quoting a rule of its script (holdout 44) is a copy, not a rule that runs after the script's final DROP.
 */
function earlierBlockCopy(p: Pass, rule: Rule): Rule | undefined {
  const block = fenceOf(p, rule.line);
  const f = p.facts.get(rule);
  if (block < 0 || !f) return undefined;
  return p.doc.find((d) => d.rule.line < block && d.rule.chain === rule.chain && d.rule.table === rule.table && fenceOf(p, d.rule.line) >= 0 && fullKey(d.rule, d.f) === fullKey(rule, f))?.rule;
}

/** Both lines are in Markdown code blocks, and not in the same one. */
function inOtherBlocks(p: Pass, a: number, b: number): boolean {
  const [x, y] = [fenceOf(p, a), fenceOf(p, b)];
  return a >= 0 && x >= 0 && y >= 0 && x !== y;
}

function where(line: number): string {
  return line >= 0 ? `line ${line + 1}` : "the node's current rules";
}

export const shadowed: LintRule = {
  code: 'rules/shadowed',
  severity: 'warning',
  description: 'A rule that never runs: an earlier rule in the same chain always decides first.',
  docs: 'iptables walks a chain top to bottom and stops at the first terminal rule that matches. A rule after an unconditional `-j ACCEPT`/`DROP`/`REJECT`/`RETURN`, or after a terminal rule whose conditions are a subset of its own, is never evaluated. (A final `-j RETURN` in DOCKER-USER is reported as `docker-user/after-return`.)',
  check(p) {
    for (const n of neverRuns(p)) {
      const by = n.by;
      const related = by.line >= 0 ? [{ span: by.span, message: 'the rule that decides first' }] : undefined;
      if ((n.kind === 'after-unconditional' || n.kind === 'shadowed') && reportedAsInsertOrder(p, n)) continue;
      // `case "$1" in ON) … ;; OFF) … ;; esac`: one arm runs, never both
      if (alternatives(p, n.rule.line, by.line)) continue;
      const copied = n.kind === 'duplicate' ? undefined : earlierBlockCopy(p, n.rule);
      if (copied) {
        copyInAnotherBlock(p, n.rule, copied, n.chain);
        continue;
      }
      // a Markdown guide's code blocks are snippets for different steps or setups (a "wrong order" example, then the
      // right one: holdout 52): behind a rule of another block, said as info
      const apart = inOtherBlocks(p, by.line, n.rule.line);
      const never = apart ? 'Never reached if both code blocks are run' : 'Never reached';
      const byWhere = `${where(by.line)}${apart ? ', in another code block of this document' : ''}`;
      if (n.kind === 'after-unconditional') {
        if (dockersReturn(p, n)) continue;
        // Stryker disable next-line OptionalChaining: equivalent, the deciding rule is terminal, so it has a target
        add(p, 'rules/shadowed', apart ? 'info' : 'warning', `${never}: the rule on ${byWhere} (\`${by.target?.goto ? '-g' : '-j'} ${by.target?.name ?? ''}\` without conditions) takes every packet in ${n.chain} before this one.`, n.rule.span, [], related);
      } else if (n.kind === 'shadowed') {
        const same = sameVerdict(n);
        // Stryker disable next-line OptionalChaining: equivalent, the deciding rule is terminal, so it has a target
        add(p, 'rules/shadowed', same || apart ? 'info' : 'warning', `${never}: the earlier rule on ${byWhere} (\`-j ${by.target?.name ?? ''}\`) matches every packet this rule matches (its conditions are a subset of this rule's).${same ? ' It gives those packets the same verdict, so nothing is lost: this rule is redundant.' : ''}`, n.rule.span, [], related);
      }
    }
    for (const n of shadowedOnNewDocker(p)) {
      if (alternatives(p, n.rule.line, n.by.line)) continue;
      add(p, 'rules/shadowed', 'warning', `Never reached on any Docker version: up to 28.2.1 it is appended behind Docker's RETURN, and from 28.2.2 (no RETURN) the \`-j ${n.by.target?.name ?? ''}\` on line ${n.by.line + 1} takes every packet this ${isException(n.rule) ? 'exception' : 'rule'} matches first. ${isException(n.rule) ? `Put the exceptions before the ${n.by.target?.name ?? ''} (or insert them with -I after it).` : 'It decides nothing: delete it, or put it before that rule.'}`, n.rule.span, [], [{ span: n.by.span, message: 'the rule that decides first' }]);
    }
  },
};
