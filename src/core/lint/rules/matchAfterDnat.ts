/** swarm/match-after-dnat: --dport / -d in DOCKER-USER meant for what the client asked for, seen after DNAT. */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { RuleFacts } from '../facts';
import { remember } from '../flows';
import { contains, isPrivate, overlaps, parseCidr, portIn } from '../net';
import type { Pass } from '../pass';
import { add, ctorigEdit, docLine, isMine, protoMatches, replaceEdit } from '../pass';
import type { LintFix, PublishedPort } from '../types';
import type { Cidr, PortSet } from '../net';

/**
 * The mappings whose DNAT DOCKER-USER sees: `-p HOST:CONTAINER` publishing (host mode, a dump's DOCKER DNAT) rewrites
 * the port before FORWARD; Swarm's ingress DNAT (to 172.18.0.2) keeps the published port until the ingress_sbox.
 */
function rewrittenPorts(p: Pass, rule: Rule): PublishedPort[] {
  const all = remember(rewrittenCache, p, () => {
    const sp = p.pc.swarm;
    return p.published.filter((pp) => pp.mode !== 'ingress' && pp.targetPort !== undefined && pp.targetPort !== pp.port && ![sp.control, sp.gossip, sp.data].includes(pp.port));
  });
  return all.length ? all.filter((pp) => protoMatches(rule, pp.protocol)) : all;
}

/** Per pass: the published ports whose DNAT DOCKER-USER sees (asked by every rule with a port). */
const rewrittenCache = new WeakMap<Pass, PublishedPort[]>();

function portFindings(p: Pass, rule: Rule, f: RuleFacts): void {
  const rewritten = rewrittenPorts(p, rule);
  if (rewritten.length === 0) return;
  for (const d of f.dports) {
    const set = d.set;
    // (f.dports holds only --dport and --dports options)
    if (!set) continue;
    const edit = d.o.name === 'dport' && !d.o.negated ? ctorigEdit(p, d.o, d.module) : undefined;
    const fixes: LintFix[] = edit && p.kind === 'proposal' ? [{ title: 'Match the original destination port: -m conntrack --ctorigdstport', edits: [edit] }] : [];
    // negated or not, the rule was written with the published port in its list: `--dport 8080` to take it,
    // `! --dport 8080` to spare it; after DNAT the packet carries the container port instead
    // Stryker disable next-line UnaryOperator: equivalent, the -1 is never used (every rewritten port has a targetPort)
    const hit = rewritten.find((pp) => portIn(set, pp.port) && !portIn(set, pp.targetPort ?? -1));
    if (hit) {
      add(p, 'swarm/match-after-dnat', 'warning',
        `Packets in DOCKER-USER are already DNATed: published port ${hit.port} now has destination port ${hit.targetPort} (the container's port), so ${d.o.negated ? `\`! --${d.o.name} ${hit.port}\` does not spare it: this rule takes the very port it meant to leave open` : `\`--${d.o.name} ${hit.port}\` never matches it`}. Use -m conntrack --ctorigdstport ${hit.port} --ctdir ORIGINAL.`,
        d.o.span, fixes);
      continue;
    }
    const also = collision(p, set, rewritten);
    if (also && !d.o.negated) {
      add(p, 'swarm/match-after-dnat', 'warning',
        `Packets in DOCKER-USER are already DNATed: port ${also.other.port} is published to container port ${also.other.targetPort}, so its packets carry destination port ${also.other.targetPort} here too, and \`--${d.o.name}\` meant for published port ${also.named.port} also takes them. Use -m conntrack --ctorigdstport ${also.named.port} --ctdir ORIGINAL to match only what clients sent to ${also.named.port}.`,
        d.o.span, fixes);
    }
  }
}

/**
 * A port the rule names that is published as itself (8080→8080) and is also the container port of another mapping
 * (9000→8080): after DNAT the rule takes both services.
 */
function collision(p: Pass, set: PortSet, rewritten: PublishedPort[]): { named: PublishedPort; other: PublishedPort } | undefined {
  // Stryker disable next-line UnaryOperator: equivalent, every rewritten port has a targetPort
  const other = rewritten.find((pp) => portIn(set, pp.targetPort ?? -1) && !portIn(set, pp.port));
  const named = other && p.published.find((pp) => portIn(set, pp.port) && (pp.targetPort ?? pp.port) === pp.port && pp.protocol === other.protocol);
  return other && named ? { named, other } : undefined;
}

const LINK_LOCAL = parseCidr('169.254.0.0/16') as Cidr;

/**
 * A Docker network's bridge the text names (`docker network create -o com.docker.network.bridge.name=user_firewall`,
 * compose's `com.docker.network.bridge.name: br_app`): traffic in from it is the containers' own, to that destination.
 */
function namedBridge(p: Pass, iface: string): boolean {
  const esc = iface.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`com\\.docker\\.network\\.bridge\\.name["']?\\s*[=:]\\s*["']?${esc}(?![\\w.-])`).test(p.text);
}

/** -d <an address of this node> (or a public address, for incoming traffic) never matches after DNAT. */
function hostAddressFinding(p: Pass, rule: Rule, f: RuleFacts): void {
  const dst = rule.destination;
  const c = f.dstCidr;
  if (!dst || dst.negated || !c || f.egress) return;
  // one address of the node: a wider -d (`-d 192.168.0.0/16 -j DROP`, the usual "containers may not reach the LAN")
  // also matches container egress to the LAN, which no DNAT changes
  const nodeAddr = c.prefix === 32 && p.pc.nodeAddrs.some((n) => contains(c, n)) && !p.pc.networks.some((n) => overlaps(n.cidr, c));
  // (169.254.0.0/16 is link-local: a cloud's metadata service, never the host's public address)
  const publicIncoming = !p.pc.nodeAddrs.length && c.prefix >= 24 && !isPrivate(c) && !contains(LINK_LOCAL, c) && !!rule.inInterface && !rule.inInterface.negated && !rule.outInterface && !namedBridge(p, rule.inInterface.value);
  if (!nodeAddr && !publicIncoming) return;
  const ds = dst.span;
  const line = docLine(p, ds.line) ?? '';
  const flag = /(-d|--destination|--dst)\s+$/.exec(line.slice(0, ds.start));
  const fixes: LintFix[] = p.kind === 'proposal' && flag && line.slice(ds.start, ds.end) === dst.value
    ? [{ title: 'Match the original destination address: -m conntrack --ctorigdst', edits: [replaceEdit({ line: ds.line, start: flag.index, end: ds.end }, `-m conntrack --ctorigdst ${dst.value} --ctdir ORIGINAL`)] }]
    : [];
  // Stryker disable next-line OptionalChaining: equivalent, nodeAddr needs the context's node addresses, so ctx is set
  const what = nodeAddr ? `an address of this node${p.pc.ctx?.nodeName ? ` (${p.pc.ctx.nodeName})` : ''}` : 'a public address (the host\'s, for incoming traffic)';
  add(p, 'swarm/match-after-dnat', 'warning',
    `${dst.value} is ${what}, but packets in DOCKER-USER are already DNATed to 172.18.0.2 (Swarm ingress) or to a container: \`-d\` never matches them. Use -m conntrack --ctorigdst ${dst.value} --ctdir ORIGINAL.`,
    dst.span, fixes);
}

/** A DOCKER-USER rule (not container egress) with a destination port or address: what this check judges. */
function judged(rule: Rule, f: RuleFacts): boolean {
  return rule.chain === 'DOCKER-USER' && rule.table === 'filter' && rule.op !== 'D' && !f.egress
    // (a -d the check reports is a /24 or narrower: the node's address, or a public one)
    && (f.dports.some((d) => d.set !== undefined) || (!!rule.destination && !rule.destination.negated && f.dstCidr !== undefined && f.dstCidr.prefix >= 24));
}

export const matchAfterDnat: LintRule = {
  code: 'swarm/match-after-dnat',
  severity: 'warning',
  description: '`--dport P` or `-d <host address>` in DOCKER-USER meant for a published port: DOCKER-USER sees the packet after DNAT.',
  docs: 'nat PREROUTING has already rewritten the destination when a packet reaches DOCKER-USER: Swarm ingress DNATs to 172.18.0.2 keeping the published port (the ingress_sbox changes it later), `-p HOST:CONTAINER` publishing DNATs to the container address and port. `--dport <published>` therefore misses a port published to a different container port (and `--dport 8080` also takes a port published as 9000→8080), and `-d <host IP>` never matches. Match what the client asked for with `-m conntrack --ctorigdst/--ctorigdstport … --ctdir ORIGINAL`. Not reported when published and container ports are equal, nor on the Swarm ports (see docker-user/swarm-port).',
  appliesTo: judged,
  check(p, rules) {
    for (const { rule, f } of rules) {
      if (!judged(rule, f) || !isMine(p, rule)) continue;
      portFindings(p, rule, f);
      hostAddressFinding(p, rule, f);
    }
  },
};
