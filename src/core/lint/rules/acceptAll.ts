/**
 * docker-user/accept-all: an unconditional ACCEPT in DOCKER-USER bypasses Docker's own filtering; so does an ACCEPT
 * (not RETURN) of everything from or to Docker's address pool (`-s 172.16.0.0/12 -j ACCEPT`, "allow the Docker
 * networks"), in DOCKER-USER or a chain it jumps to: packets between containers of different networks end there
 * (explained as info: often meant, and harmless where one network holds all the containers); and an unconditional
 * ACCEPT inserted at the top of FORWARD, above Docker's jumps.
 */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { DocRule, Pass } from '../pass';
import { aboutDocker, add, assumedBase, isMine, replaceEdit } from '../pass';
import { crossNetworkFlow, walkChain } from '../flows';
import { DENY, isDockerBridge, type RuleFacts } from '../facts';

const ISOLATION = "network isolation between Docker networks (all versions) and, on Docker ≥ 28, the blocking of direct access to unpublished container ports";

/** `-j ACCEPT` written as such: the fix replaces the name (never offered when the text writes it otherwise). */
function returnFix(p: Pass, rule: Rule) {
  const t = rule.target?.span;
  if (!t || p.kind !== 'proposal' || !/^(-j|--jump)\s+ACCEPT$/.test((p.lines[t.line] ?? '').slice(t.start, t.end))) return [];
  return [{ title: 'Use -j RETURN (let Docker\'s rules decide)', edits: [replaceEdit({ line: t.line, start: t.end - 6, end: t.end }, 'RETURN')] }];
}

/** The ACCEPT, conditioned only on a source or destination address, that takes the packets between two Docker networks. */
function poolAccept(p: Pass, rules: readonly DocRule[]): Rule | undefined {
  // only an ACCEPT conditioned on nothing but an address can be it: without one, no walk
  if (!rules.some(({ rule }) => rule.target?.name === 'ACCEPT' && onlyAddress(rule) && isMine(p, rule))) return undefined;
  const d = walkChain(p.ruleset, 'DOCKER-USER', crossNetworkFlow().pkt, 'FORWARD', assumedBase(p));
  const r = d.rule;
  if (d.unknown || d.verdict !== 'ACCEPT' || !r || !isMine(p, r) || r.target?.goto) return undefined;
  return onlyAddress(r) ? r : undefined;
}

function onlyAddress(r: Rule): boolean {
  return !!(r.source || r.destination) && !r.protocol && !r.inInterface && !r.outInterface && r.matches.length === 0;
}

/**
 * `-o <Docker bridge> -j ACCEPT` and nothing else, with no DROP/REJECT of DOCKER-USER written or placed before it:
 * everything routed to that network's containers, from anywhere, ends here (holdouts 22 and 24).
 */
function bridgeAccept(p: Pass, rule: Rule, f: RuleFacts): boolean {
  const o = rule.outInterface;
  if (!o || o.negated || !isDockerBridge(o.value) || f.conds.length !== 1) return false;
  const above = (r: Rule) => r.line < rule.line || (r.index ?? Infinity) < (rule.index ?? Infinity);
  return !p.doc.some((d) => d.rule.chain === 'DOCKER-USER' && d.rule.table === 'filter' && DENY.has(d.rule.target?.name ?? '') && above(d.rule));
}

/**
 * `iptables -I FORWARD -j ACCEPT` in a script about Docker: an unconditional ACCEPT inserted above the jump Docker put
 * at the top of FORWARD. Every forwarded packet is accepted before DOCKER-USER and Docker's isolation run (holdouts 4
 * and 17), as with an unconditional ACCEPT in DOCKER-USER, and more. Appended (`-A FORWARD -j ACCEPT`) it only takes
 * what Docker's chains left: not reported. (swarm/not-docker-user leaves this rule to this check.)
 */
export function unconditionalOnTopOfForward(p: Pass, rule: Rule, f: RuleFacts): boolean {
  if (rule.chain !== 'FORWARD' || rule.table !== 'filter' || rule.target?.name !== 'ACCEPT' || f.conds.length || !p.command || rule.op !== 'I' || (rule.position ?? 1) !== 1) return false;
  return aboutDocker(p);
}

export const acceptAll: LintRule = {
  code: 'docker-user/accept-all',
  severity: 'warning',
  description: 'An unconditional `-j ACCEPT` in DOCKER-USER or inserted at the top of FORWARD, an ACCEPT in DOCKER-USER of everything routed to a Docker bridge, or of everything from or to Docker\'s address pool: forwarded packets skip Docker\'s own rules.',
  docs: "ACCEPT in DOCKER-USER ends the packet's walk through FORWARD: Docker's network isolation (DOCKER-ISOLATION-STAGE-1/2: containers of different networks cannot talk), and on Docker ≥ 28 the protection of unpublished container ports from direct routing, are skipped. An ACCEPT whose only condition is `-o` a Docker bridge (`-o docker0`, `-o br-+`), with no DROP/REJECT before it, opens every port of that network's containers, published or not, to anyone who can route to the host, and to the containers of other networks: a warning. The same holds for an ACCEPT whose only condition is an address range holding Docker's networks (`-s 172.16.0.0/12 -j ACCEPT`, meant as \"allow the Docker networks\"), in DOCKER-USER or a chain it jumps to: the packets between two networks end there (an info: often meant, and harmless where one network holds all the containers). Use `-j RETURN` to let Docker's rules decide. An unconditional ACCEPT inserted at the top of FORWARD (`iptables -I FORWARD -j ACCEPT`, a common \"fix\" for Docker's FORWARD DROP) does the same before DOCKER-USER is even reached. (An ACCEPT at the top of FORWARD of one bridge's traffic, `-I FORWARD -o docker0 -j ACCEPT`, is swarm/not-docker-user: container policy written outside DOCKER-USER.)",
  // an ACCEPT in DOCKER-USER with one condition at most, or an ACCEPT anywhere conditioned only on an address
  appliesTo: (rule, f) => rule.target?.name === 'ACCEPT' && (onlyAddress(rule) || (rule.chain === 'DOCKER-USER' && f.conds.length <= 1) || (rule.chain === 'FORWARD' && f.conds.length === 0)),
  check(p, rules) {
    if (p.noInterfaces) return; // -nL without -v: interface conditions unknown
    for (const { rule, f, res } of rules) {
      if (unconditionalOnTopOfForward(p, rule, f)) {
        add(p, 'docker-user/accept-all', 'warning',
          "This unconditional ACCEPT inserted at the top of FORWARD runs before the jump Docker put there (until Docker re-inserts its jumps above it at its next start): every forwarded packet is accepted, so no DOCKER-USER rule and none of Docker's isolation between networks run, and every container port, published or not, is open to routed traffic (Docker ≥ 28 no longer blocks direct access to unpublished ports). Accept what must pass in DOCKER-USER, with conditions, instead.",
          res.chainSpan ?? rule.span);
        continue;
      }
      if (rule.chain !== 'DOCKER-USER' || rule.table !== 'filter' || rule.op === 'D' || !isMine(p, rule)) continue;
      if (rule.target?.name !== 'ACCEPT' || rule.target.goto) continue;
      if (bridgeAccept(p, rule, f)) {
        add(p, 'docker-user/accept-all', 'warning',
          // Stryker disable next-line OptionalChaining: bridgeAccept holds only for a rule with an output interface
          `ACCEPT of everything routed to ${rule.outInterface?.value}: every port of its containers, published or not, is open to anyone who can route to this host, and containers of other Docker networks reach them too — ${ISOLATION}. Accept only what must pass (ports, sources), or use -j RETURN to let Docker's rules decide.`,
          rule.span, returnFix(p, rule));
        continue;
      }
      if (f.conds.length > 0) continue;
      add(p, 'docker-user/accept-all', 'warning',
        `Unconditional ACCEPT in DOCKER-USER: every forwarded packet skips Docker's own rules — ${ISOLATION}. Use -j RETURN to hand the packet back to Docker's chains.`,
        rule.span, returnFix(p, rule));
    }
    const pool = poolAccept(p, rules);
    if (pool) {
      const cidr = (pool.source ?? pool.destination)?.value;
      // often meant ("allow the Docker networks") and harmless where one network holds all containers: explained, not flagged
      add(p, 'docker-user/accept-all', 'info',
        `ACCEPT of everything ${pool.source ? 'from' : 'to'} ${cidr}, which holds Docker's networks: packets between containers of different networks end here (ACCEPT ends FORWARD), so Docker's own rules never run for them — ${ISOLATION}. Use -j RETURN to let Docker's rules decide.`,
        pool.span, pool.chain === 'DOCKER-USER' ? returnFix(p, pool) : []);
    }
  },
};
