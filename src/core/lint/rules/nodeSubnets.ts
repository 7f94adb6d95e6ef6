/** node/unknown-subnet and node/matches-network: addresses against the node's Docker networks (node-aware mode). */
import type { LintRule } from '../rule';
import { DENY } from '../facts';
import { contains, isPrivate, overlaps, parseCidr } from '../net';
import type { Pass } from '../pass';
import { add, isMine } from '../pass';

function check(p: Pass, code: 'node/unknown-subnet' | 'node/matches-network'): void {
  if (!p.pc.networks.length) return;
  const node = p.pc.ctx?.nodeName ? `node ${p.pc.ctx.nodeName}` : 'the selected node';
  for (const { rule } of p.doc) {
    if (rule.op === 'D' || rule.table !== 'filter' || !isMine(p, rule)) continue;
    const denies = DENY.has(rule.target?.name ?? '');
    for (const [b, word] of [[rule.source, 'from'], [rule.destination, 'to']] as const) {
      const c = b ? parseCidr(b.value) : undefined;
      if (!b || !c) continue;
      const nets = p.pc.networks.filter((n) => overlaps(n.cidr, c));
      const host = p.pc.hostCidrs.some((h) => overlaps(h, c));
      if (word === 'to' && !b.negated && nets.length === 0 && !host && isPrivate(c) && rule.chain === 'DOCKER-USER') {
        if (code === 'node/unknown-subnet') add(p, code, 'warning', `${b.value} matches no Docker network on ${node} (networks: ${p.pc.networks.map((n) => `${n.name} ${n.cidr.text}`).join(', ')}): this rule never matches container traffic there.`, b.span);
        continue;
      }
      if (code !== 'node/matches-network' || !denies || b.negated) continue;
      const inner = nets.filter((n) => contains(c, n.cidr) && (c.lo !== n.cidr.lo || c.hi !== n.cidr.hi));
      if (!inner.length) continue;
      const kind = (n: (typeof inner)[number]): string => (n.ingress ? 'ingress' : n.driver === 'overlay' ? 'overlay' : n.driver ?? 'Docker');
      add(p, code, 'info', `This ${rule.target?.name} also matches ${inner.slice(0, 3).map((n) => `${kind(n)} traffic ${word} ${n.cidr.text} of network ${n.name}`).join(', ')}${inner.length > 3 ? ', …' : ''} on ${node}.`, b.span);
    }
  }
}

export const unknownSubnet: LintRule = {
  code: 'node/unknown-subnet',
  severity: 'warning',
  description: 'Node-aware mode: a DOCKER-USER destination that matches none of the node\'s Docker networks.',
  docs: 'A private destination range in DOCKER-USER that overlaps no Docker network and no host interface of the node never matches container traffic there (often a subnet copied from another host).',
  check: (p) => check(p, 'node/unknown-subnet'),
};

export const matchesNetwork: LintRule = {
  code: 'node/matches-network',
  severity: 'info',
  description: 'Node-aware mode: a DROP/REJECT range that also covers Docker networks (overlay, ingress) of the node.',
  docs: 'A broad range (e.g. 10.0.0.0/8) in a DROP also covers the node\'s overlay and ingress networks: said as information so that the effect on Swarm traffic is visible.',
  check: (p) => check(p, 'node/matches-network'),
};
