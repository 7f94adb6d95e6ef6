/**
 * lint/fragment: restore text that is a fragment, not a whole table — a ufw `after.rules` block (loaded with
 * `iptables-restore -n`, no flush) or lines pasted into another file's `*filter` section. The parser's findings that
 * only hold for a whole restore file (an undeclared chain, a chain declaration without `*table`) are replaced by this
 * info, with the real consequence.
 */
import type { LintRule } from '../rule';
import type { Pass } from '../pass';
import { isDockerOwnedChain } from '../facts';

const BUILTIN_DECL = /^:(INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING)\s/;

/** The `*table` section holding the line declares no built-in chain: a fragment loaded on top of live rules. */
function fragmentSection(p: Pass, line: number): boolean {
  let start = -1;
  for (let k = line; k >= 0; k--) {
    const t = (p.lines[k] ?? '').trim();
    if (t.startsWith('*')) {
      start = k;
      break;
    }
  }
  if (start < 0) return false;
  for (let k = start + 1; k < p.lines.length; k++) {
    const t = (p.lines[k] ?? '').trim();
    if (t === 'COMMIT') break;
    if (BUILTIN_DECL.test(t)) return false;
  }
  return true;
}

/**
 * A line that opens a table section (blanks before it allowed; not a shell `case` arm's `*)`); the text is searched as
 * it is, not split in lines.
 */
const TABLE_LINE = /^\s*\*(?:filter|nat|mangle|raw|security)\b/m;
const hasTableLine = (p: Pass): boolean => TABLE_LINE.test(p.text);

export const fragment: LintRule = {
  code: 'lint/fragment',
  severity: 'info',
  description: 'Restore text that is a fragment (a ufw after.rules block, lines for another file\'s *filter section): judged as such.',
  docs: 'ufw loads `/etc/ufw/after.rules` with `iptables-restore -n` (no flush), so a block there works on top of the live rules: `-A DOCKER-USER` without `:DOCKER-USER - [0:0]` succeeds while Docker runs, but at boot ufw usually starts before Docker, the chain does not exist yet and the restore fails ("Couldn\'t load rule"), taking the rest of the file with it: declare the chain as ufw-docker does. A `:CHAIN` line without a `*table` line is read as lines meant for another file\'s `*filter` section. A whole restore file (one that declares the built-in chains, loaded with a flush) keeps the syntax error.',
  check(p) {
    if (p.kind !== 'proposal') return;
    const noTable = !hasTableLine(p);
    p.diags = p.diags.map((d) => {
      if (d.severity === 'info') return d;
      const undeclared = /^chain (\S+) is not declared in this \*\w+ section$/.exec(d.message);
      if (d.code === 'syntax/unknown-chain' && undeclared && fragmentSection(p, d.span.line)) {
        const chain = undeclared[1];
        return { ...d, code: 'lint/fragment', severity: 'info', message: `${d.message}: read as a fragment loaded on top of the live rules (ufw after.rules uses iptables-restore -n). It works while ${chain} exists${chain === 'DOCKER-USER' ? ' (Docker running)' : ''}; at boot ufw usually starts before Docker, the chain is missing and the whole file fails to load. Declare it: :${chain} - [0:0]` };
      }
      // a jump to one of Docker's own chains (`-A PREROUTING … -j DOCKER` re-added in a ufw block): it exists while Docker runs
      const docker = /^unknown target "(DOCKER[\w-]*)": not a target extension and no such chain in table (\w+)$/.exec(d.message);
      if (d.code === 'syntax/unknown-target' && docker && isDockerOwnedChain(docker[1])) {
        return { ...d, code: 'lint/fragment', severity: 'info', message: `${docker[1]} is Docker's own chain, not declared here: this loads only on top of Docker's live rules (iptables-restore -n, as ufw loads its before/after.rules) while Docker runs. At boot, when ufw usually starts before Docker, the chain is missing and the whole file fails to load.` };
      }
      if (d.code === 'syntax/unexpected-token' && noTable && d.message === 'chain declaration outside a *table section') {
        return { ...d, code: 'lint/fragment', severity: 'info', message: `${d.message}: read as lines for another file's *filter section (e.g. inserted before the COMMIT of ufw's after.rules)` };
      }
      return d;
    });
  },
};
