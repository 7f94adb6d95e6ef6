/** rules/insert-order: an `-I CHAIN` DROP/REJECT that lands above exceptions the file wrote before it. */
import type { Rule } from '../../iptables/model';
import { ruleKey } from '../../iptables/parse';
import type { LintFix } from '../types';
import type { LintRule } from '../rule';
import { DENY, type RuleFacts } from '../facts';
import { add, docLine, isMine, replaceEdit, type Pass } from '../pass';
import { matchesNoForwardedPacket, mayOverlap } from '../overlap';
import { remember } from '../flows';
import { alternatives, heredocOf, sectionOf } from '../sections';

/**
 * The exceptions (ACCEPT/RETURN with conditions, written earlier in the file) that an `-I` DROP/REJECT lands above
 * and takes packets from; none for any other rule. rules/shadowed leaves these to this finding (one cause, one finding).
 */
export function exceptionsPushedDown(p: Pass, rule: Rule, f: RuleFacts): Rule[] {
  if (rule.op !== 'I' || rule.position === Infinity || !DENY.has(rule.target?.name ?? '') || !isMine(p, rule)) return [];
  // once per rule and pass: rules/shadowed asks again for every rule the DROP hides
  const byRule = remember(pushedCache, p, () => new Map<Rule, Rule[]>());
  return remember(byRule, rule, () => pushedBelow(p, rule, f));
}

const pushedCache = new WeakMap<Pass, Map<Rule, Rule[]>>();

/**
 * The file builds the chain bottom-up: every rule it adds there is inserted at the top, the first one a catch-all
 * (`--insert DOCKER-USER --jump REJECT`, then the exceptions above it). Its author writes in reverse on purpose: a
 * deny inserted after exceptions is meant to go above them (a metadata REJECT above the container ACCEPTs).
 */
function builtBottomUp(p: Pass, chain: string, table: string): boolean {
  return remember(remember(bottomUpCache, p, () => new Map<string, boolean>()), `${table} ${chain}`, () => {
    const own = p.doc.filter((d) => d.rule.chain === chain && d.rule.table === table && (d.rule.op === 'A' || d.rule.op === 'I') && isMine(p, d.rule));
    if (own.length < 3 || !own.every((d) => d.rule.op === 'I' && (d.rule.position ?? 1) === 1)) return false;
    const first = own.reduce((a, b) => (b.rule.line < a.rule.line ? b : a));
    // the catch-all inserted first may be bound to the external interface (`-i eth0 -j DROP`, then the exceptions above)
    const catchAll = first.f.conds.length === 0 || (first.f.conds.every((c) => /^[io]:/.test(c)) && DENY.has(first.rule.target?.name ?? ''));
    // (a RETURN inserted first proves nothing: holdout 9's script then inserts its catch-all DROP last, on top)
    return catchAll && DENY.has(first.rule.target?.name ?? '');
  });
}

const bottomUpCache = new WeakMap<Pass, Map<string, boolean>>();

function pushedBelow(p: Pass, rule: Rule, f: RuleFacts): Rule[] {
  if (builtBottomUp(p, rule.chain, rule.table)) return [];
  // an unknown index (never for an -I with a known position) pushes nothing
  const idx = rule.index ?? Infinity;
  // another script (a later `#!`) or a file the script writes (a here-document) is not run before this one in this order
  const section = sectionOf(p, rule.line);
  const file = heredocOf(p, rule.line);
  return p.doc
    .filter((d) => d.rule.line < rule.line && sectionOf(p, d.rule.line) === section && heredocOf(p, d.rule.line) === file && d.rule.chain === rule.chain && d.rule.table === rule.table && (d.rule.index ?? -1) > idx
      && (d.rule.target?.name === 'ACCEPT' || d.rule.target?.name === 'RETURN') && d.f.conds.length > 0 && isMine(p, d.rule) && !matchesNoForwardedPacket(d.rule) && mayOverlap(rule, f, d.rule, d.f)
      && !reinsertedAbove(p, d.rule, idx) && !branchedBetween(p, d.rule, rule) && !genericFormBefore(p, d, rule, f) && !banAbove(f, d.f))
    .map((d) => d.rule);
}

/**
 * The DROP bans a source and nothing else (`-I INPUT -s 123.45.6.7 -j DROP`, a blocklist entry) and the ACCEPT names no
 * source: the ban is inserted on top so that it comes before the services' accepts, which are not exceptions for the
 * banned address. (A DROP with more conditions, `-s 172.17.0.0/16 -d 192.168.1.0/24`, is a policy: holdout 18.)
 */
function banAbove(drop: RuleFacts, accept: RuleFacts): boolean {
  const ban = drop.conds.some((c) => c.startsWith('s:') && !c.startsWith('s:!')) && drop.conds.every((c) => c.startsWith('s:') || c.startsWith('i:'));
  return ban && !accept.conds.some((c) => c.startsWith('s:'));
}

/** A documentation placeholder in the rule (`-i <trusted-iface>`): a template the reader fills in, not a rule a later example runs after. */
function template(p: Pass, rule: Rule): boolean {
  return /<[A-Za-z][\w .-]*>/.test(docLine(p, rule.line) ?? '');
}

/**
 * The exception is a template (`-i <trusted-iface> --dport <PORT> -j ACCEPT`) and the DROP a concrete example after it
 * (`--dport 8181`, holdout 33): the generic form, not a step run before it. A template that holds every condition of
 * the DROP (`-s <AZURE_IP_1> -p tcp --dport 3306 -j ACCEPT`, then `-p tcp --dport 3306 -j DROP`, holdout 50) is a
 * step of the same procedure, with only the address left to fill in: judged.
 */
function genericFormBefore(p: Pass, exception: { rule: Rule; f: RuleFacts }, drop: Rule, f: RuleFacts): boolean {
  if (!template(p, exception.rule) || template(p, drop)) return false;
  return !f.conds.every((c) => exception.f.conds.includes(c));
}

/**
 * Two rules added to the chain from the exception to the DROP are in different arms of one `if`/`case` (`if vpn; then
 * -I DOCKER-USER 8 …; else -I DOCKER-USER 8 …; fi`, holdout 20): the script runs one of them, so the positions counted
 * through both are not the chain's. Where the DROP lands is not known: nothing is said.
 */
function branchedBetween(p: Pass, exception: Rule, drop: Rule): boolean {
  const between = p.doc.filter((d) => d.rule.line >= exception.line && d.rule.line <= drop.line && d.rule.chain === drop.chain && d.rule.table === drop.table).map((d) => d.rule.line);
  return between.some((a, i) => between.slice(i + 1).some((b) => alternatives(p, a, b)));
}

/**
 * The same exception is inserted again later, above the DROP (a guide's next step re-inserts its ESTABLISHED accept on
 * top after each DROP, holdout 22): the exception still applies to what the DROP takes.
 */
function reinsertedAbove(p: Pass, exception: Rule, dropIndex: number): boolean {
  const key = ruleKey(exception);
  const section = sectionOf(p, exception.line);
  const file = heredocOf(p, exception.line);
  return p.doc.some((d) => d.rule !== exception && d.rule.line > exception.line && sectionOf(p, d.rule.line) === section && heredocOf(p, d.rule.line) === file && d.rule.chain === exception.chain && d.rule.table === exception.table && (d.rule.index ?? Infinity) < dropIndex && ruleKey(d.rule) === key);
}

export const insertOrder: LintRule = {
  code: 'rules/insert-order',
  severity: 'warning',
  description: 'An `-I CHAIN` DROP/REJECT that ends up above ACCEPT/RETURN exceptions written before it (consecutive `-I` lines run in reverse order).',
  docs: '`iptables -I CHAIN` inserts at position 1. A script that first adds its exceptions (`RELATED,ESTABLISHED -j RETURN`, an allowed source) and then inserts a DROP gets the DROP above them: the exceptions never apply. Scripts written bottom-up on purpose (`-I CHAIN 1` for the last rule first; a chain built only by inserts, starting with its catch-all DROP/REJECT) and inserts above a final unconditional RETURN are fine and not reported, and so are exceptions that match no forwarded packet (`-i lo`, `-o lo`, 127.0.0.0/8 in DOCKER-USER/FORWARD). The exceptions the DROP hides are not reported again as rules/shadowed.',
  check(p) {
    for (const { rule, f } of p.doc) {
      const pushed = exceptionsPushedDown(p, rule, f);
      if (!pushed.length) continue;
      const fixes: LintFix[] = [];
      if (rule.position === undefined && f.opStart >= 0 && p.kind === 'proposal' && !(f.format === 'command' && rule.chain === 'DOCKER-USER')) {
        fixes.push({ title: 'Append (-A) so the rule keeps its place in file order', edits: [replaceEdit({ line: rule.line, start: f.opStart, end: f.opEnd }, '-A')] });
      }
      const lines = pushed.slice(0, 3).map((r) => r.line + 1).join(', ');
      add(p, 'rules/insert-order', 'warning',
        // Stryker disable next-line OptionalChaining: equivalent, only DROP/REJECT rules get here, so the rule has a target
        `-I inserts at position ${rule.position ?? 1} of ${rule.chain}: this ${rule.target?.name} lands ABOVE the exception${pushed.length > 1 ? 's' : ''} written before it (line${pushed.length > 1 ? 's' : ''} ${lines}${pushed.length > 3 ? ', …' : ''}), which then never apply to what it drops. Insert the exceptions after the DROP, or use positions/-A.`,
        { line: rule.line, start: f.opStart >= 0 ? f.opStart : rule.span.start, end: f.opStart >= 0 ? f.opEnd : rule.span.end }, fixes,
        pushed.slice(0, 3).map((r) => ({ span: r.span, message: 'an exception that now runs after the DROP' })));
    }
  },
};
