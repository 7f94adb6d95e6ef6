/** rules/unused-chain: a user chain nothing jumps to. */
import type { LintRule } from '../rule';
import type { Table } from '../../iptables/model';
import { isDockerOwnedChain } from '../facts';
import { add, docLine, isMine, lineSpan } from '../pass';
import type { Pass } from '../pass';
import { OWNED_BY_TOOL } from '../toolChains';

// (Docker's own chains are isDockerOwnedChain's; `DOCKER_OUTPUT`/`DOCKER_POSTROUTING` are its embedded DNS's in a
// container; a user's `DOCKER-USER-LOG` created in the text is the user's: judged, holdout 26; other tools' chains
// are ../toolChains.ts's)
const DOCKER_CHAIN = /^(DOCKER_|DOCKER-ISOLATION|DOCKER-USER$)/;

/** A command line of the text jumps to a chain held in a variable (`-j "$child"`, `--jump $CHAIN`). */
function jumpsToVariable(p: Pass): boolean {
  return /\s(?:-j|-g|--jump|--goto)\s+["']?\$/.test(p.text);
}

/** The chains of the table something jumps to: its rules' targets, the node's, and jumps written into rules the text cannot place. */
function referencedChains(p: Pass, table: Table): Set<string> {
  const referenced = new Set<string>();
  for (const c of table.chains.values()) for (const r of c.rules) if (r.target) referenced.add(r.target.name);
  // a jump written into a rule the text cannot place (`-R DOCKER 1 … -j X`: Docker's rule 1, not in this text)
  for (const { rule } of p.doc) if (rule.op === 'R' && rule.target && rule.table === table.name) referenced.add(rule.target.name);
  for (const b of p.pc.base) if (b.rule?.target && b.table === table.name) referenced.add(b.rule.target.name);
  return referenced;
}

export const unusedChain: LintRule = {
  code: 'rules/unused-chain',
  severity: 'warning',
  description: 'A user chain (`-N X`) with rules that nothing jumps to: its rules never run.',
  docs: 'Packets only enter a user-defined chain through a `-j X`/`-g X` rule. A chain that is created and filled but never referenced (a forgotten `-A FORWARD -j X`, a typo in the jump) does nothing.',
  check(p) {
    if (p.kind === 'listing') return;
    for (const table of p.ruleset.tables.values()) {
      // only chains the text creates (-N / :X: a script may jump to another one from another script) and fills with
      // rules of the user's are judged
      const judged = [...table.chains.values()].filter((c) => !c.builtin && c.rules.length > 0 && !isDockerOwnedChain(c.name) && !DOCKER_CHAIN.test(c.name) && !OWNED_BY_TOOL.test(c.name)
        && c.declLine !== undefined && c.declLine >= 0 && c.rules.some((r) => isMine(p, r)));
      if (!judged.length) continue;
      const referenced = referencedChains(p, table);
      // a jump whose target is a shell variable (`-j "$child"` in a helper function) may be to any chain: unknown
      if ([...referenced].some((t) => t.includes('$')) || jumpsToVariable(p)) continue;
      for (const c of judged) {
        if (referenced.has(c.name) || c.declLine === undefined) continue;
        add(p, 'rules/unused-chain', 'warning', `Nothing jumps to chain ${c.name} (no -j ${c.name} / -g ${c.name} in ${table.name}): its ${c.rules.length} rule(s) never run. Add a jump from FORWARD/DOCKER-USER/INPUT, or remove the chain.`, lineSpan(c.declLine, docLine(p, c.declLine) ?? ''));
      }
    }
  },
};
