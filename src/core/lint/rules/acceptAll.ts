/** docker-user/accept-all: an unconditional ACCEPT in DOCKER-USER bypasses Docker's own filtering. */
import type { LintRule } from '../rule';
import { add, isMine, replaceEdit } from '../pass';

export const acceptAll: LintRule = {
  code: 'docker-user/accept-all',
  severity: 'warning',
  description: 'An unconditional `-j ACCEPT` in DOCKER-USER: every forwarded packet skips Docker\'s own rules.',
  docs: "ACCEPT in DOCKER-USER ends the packet's walk through FORWARD: Docker's network isolation (DOCKER-ISOLATION-STAGE-1/2: containers of different networks cannot talk), and on Docker ≥ 28 the protection of unpublished container ports from direct routing, are skipped. Use `-j RETURN` to let Docker's rules decide.",
  check(p) {
    if (p.noInterfaces) return; // -nL without -v: interface conditions unknown
    for (const { rule, f } of p.doc) {
      if (rule.chain !== 'DOCKER-USER' || rule.table !== 'filter' || rule.op === 'D' || !isMine(p, rule)) continue;
      if (rule.target?.name !== 'ACCEPT' || rule.target.goto || f.conds.length > 0) continue;
      // the target's span is `-j ACCEPT`: the fix replaces the name (never offered when the text writes it otherwise)
      const t = rule.target.span;
      const named = /^(-j|--jump)\s+ACCEPT$/.test((p.lines[t.line] ?? '').slice(t.start, t.end));
      const fixes = p.kind === 'proposal' && named ? [{ title: 'Use -j RETURN (let Docker\'s rules decide)', edits: [replaceEdit({ line: t.line, start: t.end - 6, end: t.end }, 'RETURN')] }] : [];
      add(p, 'docker-user/accept-all', 'warning',
        "Unconditional ACCEPT in DOCKER-USER: every forwarded packet skips Docker's own rules — network isolation between Docker networks (all versions) and, on Docker ≥ 28, the blocking of direct access to unpublished container ports. Use -j RETURN to hand the packet back to Docker's chains.",
        rule.span, fixes);
    }
  },
};
