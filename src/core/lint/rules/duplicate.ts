/** rules/duplicate: the same match and target twice in a chain. */
import type { LintRule } from '../rule';
import type { Pass } from '../pass';
import type { Rule } from '../../iptables/model';
import { neverRuns } from '../order';
import { add, deleteLineEdit, docLine } from '../pass';
import { alternatives, fenceOf, heredocOf, proseBetween, sectionOf, sectionStart } from '../sections';

/** The line's `-I CHAIN N` is past the end of the chain (the assembler said so): iptables refuses it. */
function refusedInsert(p: Pass, line: number): boolean {
  return line >= 0 && p.diags.some((d) => d.span.line === line && (d.code === 'syntax/bad-position' || d.code === 'rules/insert-index') && d.message.startsWith('insert position'));
}

/**
 * The two lines add to different rule sets: one is in a file a here-document writes (ufw's after6.rules, a rules.v4)
 * and the other is not or is in another, one is a command and the other a restore or -S line, or one command is
 * iptables-legacy's and the other the nft backend's.
 */
function otherRuleSets(p: Pass, a: Rule, b: Rule): boolean {
  if (a.line < 0 || b.line < 0) return false;
  if (heredocOf(p, a.line) !== heredocOf(p, b.line)) return true;
  // (a systemd unit's or wg-quick's command line and a command the script runs itself: the unit runs it at boot or
  // when the interface comes up, another run than the script's: holdout 56, a script that adds two rules and writes
  // a unit re-adding them at boot)
  if (runsLater(p, a.line) !== runsLater(p, b.line)) return true;
  const [fa, fb] = [p.facts.get(a), p.facts.get(b)];
  // (a command and a restore or -S line: the live rule and the same rule persisted in a file or shown in a listing;
  // a saved section's rule and the same rule as an -S line outside it: the dump and a quote of one of its lines,
  // holdout 57's notes explaining Docker's MASQUERADE under their iptables-save example)
  if (fa?.format !== fb?.format) return true;
  const legacy = (prefix: string | undefined) => /iptables-legacy/.test(prefix ?? '');
  return legacy(fa?.prefix) !== legacy(fb?.prefix);
}

/** A unit's `ExecStart=` / `ExecStartPost=` … or wg-quick's `PostUp =` / `PreDown =` …: a command run at another time. */
const RUNS_LATER = /^\s*(?:Exec(?:Start|Stop|Reload)(?:Pre|Post)?|(?:Pre|Post)(?:Up|Down))\s*=/;

function runsLater(p: Pass, line: number): boolean {
  return RUNS_LATER.test(docLine(p, line) ?? '');
}

/** Said (info) of a rule that repeats one of another code block of a Markdown document (or another snippet, prose between them). */
export function copyInAnotherBlock(p: Pass, rule: Rule, first: Rule, chain: string, where = 'in another code block of this document'): void {
  add(p, 'rules/duplicate', 'info', `The same rule as line ${first.line + 1}, ${where}: the blocks look like snippets for different steps or setups, or an explanation quoting the rule; run both and ${chain} holds the rule twice.`,
    rule.span, [], [{ span: first.span, message: 'the same rule' }]);
}

export const duplicate: LintRule = {
  code: 'rules/duplicate',
  severity: 'warning',
  description: 'The same match and target twice in one chain.',
  docs: 'The second copy never changes a verdict. In scripts it usually means the script was run twice without `iptables -C … ||` guards, so every run adds another copy. Copies in different files (a here-document writes one), a command the script runs and the same one in a systemd unit\'s `ExecStart=` or a wg-quick `PostUp =` line (run at boot or when the interface comes up), a command and the same rule as a restore or `-S` line, or copies for different backends (iptables-legacy and the nft one) are not reported. When the copies are in different scripts of one text (a guide shows the one-off commands, then the same rules in a `#!/bin/bash` rc.local script), the parts are alternatives: reported as info. So are copies in different code blocks of a Markdown document, or in a text of saved rules with prose between them (the first version of a block in an issue thread and its "Solved" one).',
  check(p) {
    for (const n of neverRuns(p)) {
      if (n.kind !== 'duplicate') continue;
      const by = n.by;
      // an insert past the end of the chain is refused by iptables: that copy never exists
      if (refusedInsert(p, n.rule.line) || refusedInsert(p, by.line) || alternatives(p, n.rule.line, by.line) || otherRuleSets(p, n.rule, by)) continue;
      const blocks = [fenceOf(p, by.line), fenceOf(p, n.rule.line)];
      if (blocks[0] >= 0 && blocks[1] >= 0 && blocks[0] !== blocks[1]) {
        copyInAnotherBlock(p, n.rule, by, n.chain);
        continue;
      }
      if (proseBetween(p, by.line, n.rule.line)) {
        copyInAnotherBlock(p, n.rule, by, n.chain, 'in another snippet of this text (prose stands between them)');
        continue;
      }
      if (by.line >= 0 && sectionOf(p, by.line) !== sectionOf(p, n.rule.line)) {
        // a guide's one-off commands and the same rules as a script (a `#!` line starts it): alternatives, not one run
        const start = sectionStart(p, Math.max(by.line, n.rule.line)) ?? 0;
        add(p, 'rules/duplicate', 'info', `The same rule as line ${by.line + 1}, in another part of this text (a script starts at line ${start + 1}): these parts look like alternatives; run both and ${n.chain} holds the rule twice.`,
          n.rule.span, [], [{ span: by.span, message: 'the same rule' }]);
        continue;
      }
      // the line written second is the duplicate (with `-I` it is the copy that ends up first: the copies are equal)
      const [dup, first] = by.line > n.rule.line ? [by, n.rule] : [n.rule, by];
      const fixes = p.kind === 'listing' ? [] : [{ title: 'Delete the duplicate line', edits: [deleteLineEdit(dup.line)] }];
      add(p, 'rules/duplicate', 'warning', `Duplicate of the rule on ${first.line >= 0 ? `line ${first.line + 1}` : "the node's current rules"}: the same match and target twice in ${n.chain}; the second copy never changes anything.`,
        dup.span, fixes, first.line >= 0 ? [{ span: first.span, message: 'first copy' }] : undefined);
    }
  },
};
