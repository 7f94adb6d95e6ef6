/**
 * syntax/restore-continuation: a `\` at the end of a line inside an iptables-restore `*table` section. A shell joins
 * such lines; iptables-restore does not: it refuses the file ("Bad argument `\'", checked with iptables-restore
 * --test), so ufw reload or netfilter-persistent loads none of it. Not in an unquoted here-document (`<<EOF`): the shell
 * joins those lines before the file is written.
 */
import type { LintRule } from '../rule';
import { add } from '../pass';
import { inExpandedHeredoc, inHeredoc } from '../sections';
import { isTableName } from '../../iptables/lineResult';

export const restoreContinuation: LintRule = {
  code: 'syntax/restore-continuation',
  severity: 'error',
  description: 'A line ending in `\\` inside an iptables-restore `*table` section: iptables-restore has no line continuation and refuses the file.',
  docs: 'Shell scripts may split a long `iptables` command with a trailing backslash; iptables-restore reads one rule per line and takes the `\\` as an argument ("Bad argument `\\\'"), so the whole restore fails: `ufw reload` (after.rules), `netfilter-persistent` (rules.v4) or `iptables-restore` load nothing of it. Write the rule on one line.',
  check(p) {
    // (a text without a backslash has no continuation: found at memory speed)
    if (p.kind !== 'proposal' || !p.text.includes('\\') || !/\\\r?\n/.test(p.text) || !/^\s*\*[a-z]/m.test(p.text)) return;
    let inSection = false;
    p.lines.forEach((raw, i) => {
      const t = raw.replace(/\r$/, '');
      const s = t.trim();
      // (a table line, not a shell `case` label's `*)` or a Markdown bullet: holdout 43)
      if (s.startsWith('*') && isTableName(s.slice(1))) inSection = true;
      else if (s === 'COMMIT') inSection = false;
      else if (inSection && !s.startsWith('#') && /(^|[^\\])(\\\\)*\\$/.test(t) && !inExpandedHeredoc(p, i) && (inHeredoc(p, i) || !p.command)) {
        add(p, 'syntax/restore-continuation', 'error', 'iptables-restore has no line continuation: it takes this `\\` as an argument and refuses the whole file ("Bad argument `\\\'"), so nothing of it is loaded (ufw reload, netfilter-persistent). Write the rule on one line.', { line: i, start: t.length - 1, end: t.length });
      }
    });
  },
};
