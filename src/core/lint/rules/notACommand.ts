/**
 * syntax/not-a-command: a bare rule line (`-A CHAIN …`, `:CHAIN - [0:0]`, `*filter`) in a shell script, outside a
 * here-document. The shell runs `-A` as a command ("command not found"): the rule is never added, and under `set -e`
 * the script stops there. Reported once per block of such lines; the lines are left out of the other judgments.
 */
import type { LintRule } from '../rule';
import type { Pass } from '../pass';
import { add } from '../pass';
import { inHeredoc, isShellScript, quotedRole } from '../sections';

/** Lines of a shell script that hold iptables-restore / -S text outside a here-document. */
export function bareRuleLines(p: Pass): number[] {
  if (p.kind !== 'proposal' || !isShellScript(p)) return [];
  // (nor inside a quoted value or text that spans lines: `AFTER_RULES="…"` holds file contents, as a here-document does)
  const data = (line: number) => inHeredoc(p, line) || ['inside-value', 'inside-text', 'closes'].includes(quotedRole(p, line) ?? '');
  return p.results.filter((r) => r.format !== 'command' && r.kind !== 'blank' && r.kind !== 'other' && !data(r.line)).map((r) => r.line);
}

export const notACommand: LintRule = {
  code: 'syntax/not-a-command',
  severity: 'warning',
  description: 'A bare rule line (`-A CHAIN …`) in a shell script: the shell cannot run it, the rule is never added.',
  docs: 'In a `#!/bin/sh` or `#!/bin/bash` script every line is a command. A line that starts with `-A`, `-I`, `:CHAIN` or `*filter` (iptables-restore or `iptables -S` text pasted into the script) fails with "command not found": the rule is not added, and a script with `set -e` stops there, skipping everything after it. Prefix the line with `iptables `, or move the block into a file loaded with `iptables-restore -n`. Here-document bodies (`cat > rules.v4 <<EOF`) are file contents and not reported.',
  check(p) {
    const lines = bareRuleLines(p);
    let k = 0;
    while (k < lines.length) {
      let j = k;
      while (j + 1 < lines.length && lines[j + 1] <= lines[j] + 2) j++;
      const span = p.results.find((r) => r.line === lines[k])?.rule?.span ?? { line: lines[k], start: 0, end: (p.lines[lines[k]] ?? '').length };
      const which = j > k ? `Lines ${lines[k] + 1}–${lines[j] + 1} are` : 'This line is';
      add(p, 'syntax/not-a-command', 'warning',
        `${which} iptables-restore text inside a shell script: the shell runs \`${(p.lines[lines[k]] ?? '').trim().split(/\s+/)[0]}\` as a command ("command not found"), so the rule${j > k ? 's are' : ' is'} never added, and under \`set -e\` the script stops here. Prefix ${j > k ? 'them' : 'it'} with \`iptables \` or load ${j > k ? 'them' : 'it'} with \`iptables-restore -n\`.`,
        { ...span, line: lines[k] });
      k = j + 1;
    }
  },
};
