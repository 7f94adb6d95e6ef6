/** The quick fix that moves a rule into DOCKER-USER (`-I DOCKER-USER` for command-line appends). */
import type { LineResult } from '../iptables/parse';
import type { Rule } from '../iptables/model';
import type { RuleFacts } from './facts';
import type { Pass } from './pass';
import { insertLineEdit, replaceEdit } from './pass';
import type { LintFix, TextEdit } from './types';

export function moveToDockerUserFix(p: Pass, rule: Rule, f: RuleFacts, res: LineResult, extra: TextEdit[] = []): LintFix | undefined {
  if (p.kind !== 'proposal' || !res.chainSpan || f.opStart < 0 || res.chainSpan.line !== rule.line) return undefined;
  // `-R DOCKER x …` would replace rule x of DOCKER-USER, another rule (holdout 47)
  if (rule.op === 'R') return undefined;
  const useInsert = f.format === 'command' && rule.op === 'A';
  // `-I FORWARD 5 …`: DOCKER-USER may have no 5th place ("Index of insertion too big"): inserted at its top
  const position = rule.op === 'I' ? /^\s+\d+(?=\s)/.exec((p.lines[rule.line] ?? '').slice(res.chainSpan.end))?.[0] : undefined;
  const edits: TextEdit[] = [];
  if (useInsert || position) edits.push(replaceEdit({ line: rule.line, start: f.opStart, end: res.chainSpan.end + (position?.length ?? 0) }, '-I DOCKER-USER'));
  else edits.push(replaceEdit(res.chainSpan, 'DOCKER-USER'));
  edits.push(...extra);
  if (res.format === 'save' && p.ruleset.tables.get(rule.table)?.chains.get('DOCKER-USER')?.declLine === undefined) {
    // iptables-restore needs the chain declared in the section
    let header: LineResult | undefined;
    for (const r of p.results) {
      // Stryker disable next-line EqualityOperator: equivalent, the rule's own line is never a *table header
      if (r.line > rule.line) break;
      if (r.kind === 'table') header = r;
    }
    // Stryker disable next-line ConditionalExpression: equivalent, a line in iptables-save format is inside a *table section, so a header was found
    if (header) edits.push(insertLineEdit(header.line + 1, ':DOCKER-USER - [0:0]'));
  }
  return { title: useInsert ? 'Insert the rule into DOCKER-USER (-I DOCKER-USER)' : 'Move the rule to DOCKER-USER', edits };
}
