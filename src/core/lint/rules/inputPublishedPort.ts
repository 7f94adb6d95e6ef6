/** swarm/input-published-port: an INPUT rule for a published port (published ports are forwarded). */
import type { LintRule } from '../rule';
import { portIn } from '../net';
import type { Rule } from '../../iptables/model';
import { add, ctorigEdit, isMine, protoMatches, type Pass } from '../pass';
import { DENY, fullKey, isDockerBridge, type RuleFacts } from '../facts';
import { moveToDockerUserFix } from '../moveFix';
import { alternatives, fenceOf, proseBetween } from '../sections';

/**
 * The rule's own line ends in a comment that calls the port a container's (`--dport 8080 -j DROP   # Block app
 * container`, holdout 45), for traffic from outside: not a rule for containers reaching the host (`-i docker0`, a
 * source), which INPUT does see.
 */
function commentSaysContainer(rule: Rule, negated: boolean): boolean {
  if (negated || rule.source || (rule.inInterface && (rule.inInterface.negated || isDockerBridge(rule.inInterface.value)))) return false;
  // (the rule's whole text: a command continued with `\\` has its comment on its last line)
  const hash = rule.text.search(/\s#/);
  return hash >= 0 && /\bcontainers?\b/i.test(rule.text.slice(hash));
}

/**
 * The text's DOCKER-USER rules by their conditions and target (the first of equal ones): an INPUT rule with the same
 * key is a copy the author filters as a container's port there (holdout 56: three scripts call the INPUT copy a
 * "backup" for a Redis or Traefik container's port).
 */
function dockerUserRules(p: Pass): Map<string, Rule> {
  const out = new Map<string, Rule>();
  for (const d of p.doc) {
    if (d.rule.table !== 'filter' || d.rule.chain !== 'DOCKER-USER' || d.rule.op === 'D' || !isMine(p, d.rule)) continue;
    const key = fullKey(d.rule, d.f);
    if (!out.has(key)) out.set(key, d.rule);
  }
  return out;
}

/**
 * The two copies are alternatives of a text: in different code blocks, in the arms of one `if`/`case`, or under
 * different captions (`Host network:` … `docker network:`, holdout 56: the INPUT copy for Redis run with the host's
 * network, the DOCKER-USER one for Redis on a Docker network).
 */
function alternativeCopies(p: Pass, a: number, b: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return fenceOf(p, a) !== fenceOf(p, b) || alternatives(p, a, b) || proseBetween(p, a, b) || p.lines.slice(lo + 1, hi).some((l) => CAPTION.test(l));
}

/** A caption line: words ending in a colon (no shell syntax). */
const CAPTION = /^\s*\p{L}[^=#`$|&;<>(){}]*:\s*$/u;

/**
 * Said as info: a text that filters a port in both chains may mean "wherever the service runs" (a host web server and
 * a published one: holdouts 5 and 52), and nothing in the rules tells which; the hint says what each copy filters.
 */
function reportMirrored(p: Pass, rule: Rule, f: RuleFacts, port: string, span: Rule['span'], dockerUser: Map<string, Rule>): void {
  const twin = dockerUser.get(fullKey(rule, f));
  if (!twin || alternativeCopies(p, rule.line, twin.line)) return;
  add(p, 'swarm/input-published-port', 'info',
    `The same rule for port ${port} is in DOCKER-USER (line ${twin.line + 1}). If a container publishes this port, Docker DNATs it in PREROUTING and forwards it: it never reaches INPUT, so this copy never matches it and only the DOCKER-USER one filters it. This copy filters a service of the host itself on that port.`,
    span, [], [{ span: twin.span, message: 'the DOCKER-USER copy' }]);
}

export const inputPublishedPort: LintRule = {
  code: 'swarm/input-published-port',
  severity: 'warning',
  description: 'An INPUT rule for a published port: published ports are DNATed and forwarded, INPUT never sees them.',
  docs: 'Swarm ingress (all versions) DNATs a published port in nat PREROUTING to the ingress_sbox address (172.18.0.2 on docker_gwbridge); `-p`/host-mode publishing DNATs it to the container. Either way the packet is forwarded, so an INPUT rule on that port never matches it. Filter it in DOCKER-USER with `-m conntrack --ctorigdstport <port> --ctdir ORIGINAL`.',
  check(p) {
    // (made once, when an INPUT port rule is not on a published port)
    let dockerUser: Map<string, Rule> | undefined;
    for (const { rule, f, res } of p.doc) {
      if (rule.table !== 'filter' || rule.chain !== 'INPUT' || rule.op === 'D' || !isMine(p, rule)) continue;
      for (const d of f.dports) {
        const set = d.set;
        if (!set) continue;
        const hit = p.published.find((pp) => portIn(set, pp.port) !== d.o.negated && protoMatches(rule, pp.protocol));
        if (!hit && commentSaysContainer(rule, d.o.negated)) {
          add(p, 'swarm/input-published-port', DENY.has(rule.target?.name ?? '') ? 'warning' : 'info',
            `The line's comment says this port (${d.o.args[0] ?? ''}) is a container's: reachable from other hosts, it is published, so Docker DNATs it in PREROUTING and forwards it; it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport ${d.o.args[0] ?? ''} --ctdir ORIGINAL.`,
            d.o.span);
          break;
        }
        if (!hit) {
          reportMirrored(p, rule, f, d.o.args[0] ?? '', d.o.span, (dockerUser ??= dockerUserRules(p)));
          break;
        }
        // moved to DOCKER-USER the rule no longer filters the host's own ports: only a rule on published ports alone
        // (not `! --dport 22`, not `--dports 22,8080`) can move without losing what it does in INPUT
        const onlyPublished = !d.o.negated && set.every(([lo, hi]) => lo === hi && p.published.some((pp) => pp.port === lo && protoMatches(rule, pp.protocol)));
        const edit = d.o.name === 'dport' ? ctorigEdit(p, d.o, d.module) : undefined;
        const fix = onlyPublished ? moveToDockerUserFix(p, rule, f, res, edit ? [edit] : []) : undefined;
        const via = hit.mode === 'host'
          ? `it is DNATed to the container${hit.targetPort ? ` port ${hit.targetPort}` : ''} and forwarded`
          : 'Swarm ingress DNATs it to 172.18.0.2 (ingress_sbox on docker_gwbridge) and forwards it';
        add(p, 'swarm/input-published-port', 'warning',
          `Port ${hit.port}/${hit.protocol} is a published port${hit.service ? ` (service ${hit.service})` : ''}${hit.evidence ? ` (${hit.evidence})` : ''}: ${via} in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport ${hit.port}.`,
          d.o.span, fix ? [{ ...fix, title: 'Move to DOCKER-USER matching the original destination port (conntrack)' }] : []);
        break;
      }
    }
  },
};
