/** docker-user/after-return: appended after DOCKER-USER's unconditional `-j RETURN` (Docker ≤ 28.2.1 adds one). */
import type { LintFix } from '../types';
import type { LintRule } from '../rule';
import type { NeverRuns } from '../order';
import { chainFindings, neverRuns } from '../order';
import type { DocRule, Pass } from '../pass';
import { add, inElseBranch, insertLineEdit, replaceEdit } from '../pass';
import type { Rule } from '../../iptables/model';
import type { Severity } from '../../diagnostics';
import { DENY, type RuleFacts } from '../facts';
import { disjointPorts, mayOverlap } from '../overlap';
import { remember } from '../flows';

const EXCEPTION = new Set(['ACCEPT', 'RETURN']);

/** An ACCEPT or RETURN: an exception of a DOCKER-USER deny list. */
export function isException(rule: Rule): boolean {
  return EXCEPTION.has(rule.target?.name ?? '');
}

const denies = new WeakMap<Pass, DocRule[]>();

/** The document's DROP/REJECT rules that do run (once per pass: every exception after the RETURN asks). */
function runningDenies(p: Pass): DocRule[] {
  return remember(denies, p, () => {
    const never = new Set(neverRuns(p).map((n) => n.rule));
    return p.doc.filter((d) => DENY.has(d.rule.target?.name ?? '') && !never.has(d.rule));
  });
}

/**
 * A DROP/REJECT (or a jump that may drop) that never runs lets through what the user meant to stop: a warning. An
 * ACCEPT/RETURN exception that never runs matters only when a DROP/REJECT of the chain that does run takes its
 * packets (then the exception is lost: a warning naming that rule). Otherwise, and for LOG, the packet goes on to
 * Docker's own rules as if the rule were not there: explained as info, not flagged (usually the exception list of a
 * DROP that is itself reported).
 */
function afterReturnSeverity(p: Pass, rule: Rule): { severity: Severity; tail: string } {
  const t = rule.target?.name ?? '';
  if (!EXCEPTION.has(t) && t !== 'LOG' && t !== 'NFLOG' && t !== '') return { severity: 'warning', tail: '' };
  const f = p.facts.get(rule);
  const taker = EXCEPTION.has(t) && f
    ? runningDenies(p).find((d) => d.rule.chain === rule.chain && d.rule.table === rule.table && mayOverlap(rule, f, d.rule, d.f) && !otherPorts(f, d.f))
    : undefined;
  if (taker) return { severity: 'warning', tail: ` The ${taker.rule.target?.name ?? 'DROP'} on line ${taker.rule.line + 1} does run, and takes the packets this exception was meant to let through.` };
  return { severity: 'info', tail: " Docker's own rules decide this traffic as if the rule were not there." };
}

/**
 * One rule is bound to the client's original port (`--ctorigdstport 63379`), the other to the port after DNAT
 * (`--dport 55432`), different ports: only a mapping of one to the other would make them meet; not claimed.
 */
function otherPorts(a: RuleFacts, b: RuleFacts): boolean {
  const sets = (ports: RuleFacts['dports']) => ports.flatMap((d) => (!d.o.negated && d.set ? [d.set] : []));
  const orig = (f: RuleFacts) => sets(f.dstPorts.filter((d) => d.o.name === 'ctorigdstport'));
  const differ = (x: RuleFacts, y: RuleFacts) => orig(x).length > 0 && sets(y.dports).length > 0 && orig(x).every((o) => sets(y.dports).every((q) => disjointPorts(o, q)));
  return differ(a, b) || differ(b, a);
}

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
  const { severity, tail } = afterReturnSeverity(p, rule);
  add(p, 'docker-user/after-return', severity, `${where}: \`-A\` appends after it, so this rule is never reached.${tail} Use -I, or delete the RETURN and re-append it after your rules.`, rule.span, fixes);
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

/**
 * The rule never runs because of Docker's RETURN: the node's (or assumed), or the one in a dump's DOCKER-USER, or in
 * `iptables -S` lines (what the live chain holds: its unconditional RETURN is the one Docker up to 28.2.1 added).
 */
export function dockersReturn(p: Pass, n: NeverRuns): boolean {
  // Stryker disable next-line OptionalChaining: equivalent, the deciding rule is terminal, so it has a target
  if (!(n.kind === 'after-unconditional' && n.chain === 'DOCKER-USER' && n.by.target?.name === 'RETURN')) return false;
  return n.by.line < 0 || p.kind !== 'proposal' || sLines(p).has(n.by.line);
}

const sFormat = new WeakMap<Pass, Set<number>>();

/** The lines written as `iptables -S` text (once per pass: every rule after a RETURN asks). */
function sLines(p: Pass): Set<number> {
  return remember(sFormat, p, () => new Set(p.results.filter((r) => r.format === 'S').map((r) => r.line)));
}

/**
 * Exceptions (and DROPs) appended after the user's own DROP in DOCKER-USER: behind Docker's RETURN (up to 28.2.1) they are only
 * after-return (info: the packet goes on to Docker's rules), but 28.2.2 and later add no RETURN, and there the DROP
 * before them takes their packets. They never run on any version: judged on the chain without Docker's RETURN.
 */
export function shadowedOnNewDocker(p: Pass): NeverRuns[] {
  return remember(newDockerCache, p, () => newDockerFindings(p));
}

const newDockerCache = new WeakMap<Pass, NeverRuns[]>();

function newDockerFindings(p: Pass): NeverRuns[] {
  const afterReturn = neverRuns(p).filter((n) => dockersReturn(p, n) && n.by.line < 0);
  if (!p.pc.baseAssumed || afterReturn.length === 0) return [];
  const chain = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!chain) return [];
  const found: NeverRuns[] = [];
  chainFindings(p, 'DOCKER-USER', chain.rules.filter((r) => r.line >= 0), found);
  const behindReturn = new Set(afterReturn.map((n) => n.rule));
  // an exception behind a DROP, or a DROP behind an unconditional DROP (`-A DOCKER-USER -j DROP`, then `-A … -s X -j
  // DROP`); a narrower DROP behind a wider one only repeats it (after-return says the rest)
  return found.filter((n) => behindReturn.has(n.rule) && n.kind !== 'duplicate' && n.by.line >= 0 && DENY.has(n.by.target?.name ?? '') && (isException(n.rule) || n.kind === 'after-unconditional'));
}

export const afterReturn: LintRule = {
  code: 'docker-user/after-return',
  severity: 'warning',
  description: "A DOCKER-USER rule after the chain's unconditional `-j RETURN`: it never runs.",
  docs: "Docker up to 28.2.1 creates DOCKER-USER with `-A DOCKER-USER -j RETURN`; 28.2.2 stopped adding it. On those versions `iptables -A DOCKER-USER …` lands after the RETURN and never runs: use `-I DOCKER-USER`, or delete the RETURN (`iptables -D DOCKER-USER -j RETURN`, which fails where there is none) and append it again after your rules. With node context the node's real DOCKER-USER is used. A DROP/REJECT that never runs is a warning; an ACCEPT/RETURN exception that never runs is a warning only when a DROP of the chain that does run takes its packets, otherwise info (the packet goes on to Docker's own rules, as if the rule were not there).",
  check(p) {
    for (const n of neverRuns(p)) {
      if (!dockersReturn(p, n) || inElseBranch(p, n.rule.line)) continue;
      // (a rule that never runs on any version is rules/shadowed's: said once, there)
      if (!isException(n.rule) && shadowedOnNewDocker(p).some((s) => s.rule === n.rule)) continue;
      const rule = n.rule;
      const ret = n.by;
      if (ret.line < 0) {
        baseReturnFinding(p, rule);
        continue;
      }
      // a RETURN written in the document: only a dump or listing gets here (a proposal's own RETURN is rules/shadowed),
      // and Docker's rules are not edited, so there is no fix
      add(p, 'docker-user/after-return', afterReturnSeverity(p, rule).severity, `Never reached: DOCKER-USER returns unconditionally on line ${ret.line + 1} (\`-j RETURN\`), so Docker's own rules decide before this rule is evaluated.`, rule.span, [], [{ span: ret.span, message: 'the final RETURN' }]);
    }
  },
};
