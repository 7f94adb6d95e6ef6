/** docker-user/after-return: appended after DOCKER-USER's unconditional `-j RETURN` (Docker ≤ 28.2.1 adds one). */
import type { LintFix } from '../types';
import type { LintRule } from '../rule';
import type { NeverRuns } from '../order';
import { neverRuns } from '../order';
import type { Pass } from '../pass';
import { add, inElseBranch, insertLineEdit, replaceEdit } from '../pass';
import type { Rule } from '../../iptables/model';

function baseReturnFinding(p: Pass, rule: Rule): void {
  const f = p.facts.get(rule);
  const fixes: LintFix[] = [];
  const appends = p.doc.filter((x) => x.rule.chain === 'DOCKER-USER' && x.rule.op === 'A' && x.rule.table === 'filter');
  if (appends.length) {
    const first = appends[0];
    const last = appends[appends.length - 1];
    const pre = first.f.prefix || 'iptables ';
    fixes.push({
      title: "Delete Docker's RETURN before appending and re-append it after the last rule",
      edits: [insertLineEdit(first.rule.line, `${pre}-D DOCKER-USER -j RETURN`), insertLineEdit(last.rule.line + 1, `${last.f.prefix || pre}-A DOCKER-USER -j RETURN`)],
    });
  }
  if (f && f.opStart >= 0 && appends.length === 1) fixes.push({ title: 'Insert (-I) instead of append', edits: [replaceEdit({ line: rule.line, start: f.opStart, end: f.opEnd }, '-I')] });
  const where = p.pc.baseAssumed
    ? 'Docker up to 28.2.1 creates DOCKER-USER with a final `-A DOCKER-USER -j RETURN` (28.2.2 and later leave it empty)'
    // Stryker disable next-line OptionalChaining: equivalent, baseAssumed is false only when the context has filterRules, so ctx is set
    : `the node${p.pc.ctx?.nodeName ? ` ${p.pc.ctx.nodeName}` : ''} already ends DOCKER-USER with \`-j RETURN\``;
  add(p, 'docker-user/after-return', 'warning', `${where}: \`-A\` appends after it, so this rule is never reached. Use -I, or delete the RETURN and re-append it after your rules.`, rule.span, fixes);
}

/**
 * An `iptables -N DOCKER-USER` line after which the chain is empty, whatever the host: a plain `-N` (the script runs
 * where the chain does not exist yet: Docker stopped or iptables=false), or `-N DOCKER-USER 2>/dev/null || iptables -F
 * DOCKER-USER` (created, or flushed when it exists). `-N … || true` alone leaves Docker's RETURN where it is.
 */
export function leavesDockerUserEmpty(lineText: string): boolean {
  if (!/\|\||2>/.test(lineText)) return true;
  return /\|\|\s*(?:sudo\s+)?\S*iptables(?:-legacy|-nft)?\s+(?:-w\s+(?:\d+\s+)?)?(?:-t\s+filter\s+)?(?:-F|--flush)\s+DOCKER-USER\b/.test(lineText);
}

/** The rule never runs because of Docker's RETURN: the node's (or assumed), or the one in a dump's DOCKER-USER. */
export function dockersReturn(p: Pass, n: NeverRuns): boolean {
  // Stryker disable next-line OptionalChaining: equivalent, the deciding rule is terminal, so it has a target
  return n.kind === 'after-unconditional' && n.chain === 'DOCKER-USER' && n.by.target?.name === 'RETURN' && (n.by.line < 0 || p.kind !== 'proposal');
}

export const afterReturn: LintRule = {
  code: 'docker-user/after-return',
  severity: 'warning',
  description: "A DOCKER-USER rule after the chain's unconditional `-j RETURN`: it never runs.",
  docs: "Docker up to 28.2.1 creates DOCKER-USER with `-A DOCKER-USER -j RETURN`; 28.2.2 stopped adding it. On those versions `iptables -A DOCKER-USER …` lands after the RETURN and never runs: use `-I DOCKER-USER`, or delete the RETURN (`iptables -D DOCKER-USER -j RETURN`, which fails where there is none) and append it again after your rules. With node context the node's real DOCKER-USER is used.",
  check(p) {
    for (const n of neverRuns(p)) {
      if (!dockersReturn(p, n) || inElseBranch(p, n.rule.line)) continue;
      const rule = n.rule;
      const ret = n.by;
      if (ret.line < 0) {
        baseReturnFinding(p, rule);
        continue;
      }
      // a RETURN written in the document: only a dump or listing gets here (a proposal's own RETURN is rules/shadowed),
      // and Docker's rules are not edited, so there is no fix
      add(p, 'docker-user/after-return', 'warning', `Never reached: DOCKER-USER returns unconditionally on line ${ret.line + 1} (\`-j RETURN\`), so Docker's own rules decide before this rule is evaluated.`, rule.span, [], [{ span: ret.span, message: 'the final RETURN' }]);
    }
  },
};
