/**
 * Builds the linter's node facts (LintContext) from a discovered NodeModel (src/core/model.ts), so the extension
 * can associate a rule file with a node: `sendNodeContext(client, uri, lintContextFromNode(node, filterRules))`.
 */
import type { NodeModel } from '../model';
import type { LintContext, PublishedPort } from './types';

function hostPort(addr: string | undefined): { host: string; port?: number } | undefined {
  if (!addr) return undefined;
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(addr.trim());
  if (!m) return undefined;
  return { host: m[1], port: m[2] ? Number(m[2]) : undefined };
}

/**
 * @param filterRules the node's `iptables-save -t filter` (or `iptables -S`) output, when gathered.
 * @param dataPathPort the swarm's `--data-path-port`, when known (default 4789).
 */
export function lintContextFromNode(node: NodeModel, filterRules?: string, dataPathPort?: number): LintContext {
  const host = node.namespaces.find((n) => n.kind === 'host');
  const interfaces = host?.interfaces.map((i) => ({
    name: i.name,
    addresses: i.addresses.filter((a) => a.family === 'inet').map((a) => `${a.address}/${a.prefixLen}`),
  }));
  const networks = node.networks.map((n) => ({
    name: n.name,
    id: n.id,
    driver: n.driver,
    subnets: n.subnets.map((s) => s.subnet).filter((s) => !s.includes(':')),
    ingress: n.ingress,
    encrypted: n.encrypted,
  }));
  const published: PublishedPort[] = [];
  for (const s of node.services) {
    for (const p of s.ports) {
      if (p.publishedPort === undefined) continue;
      const protocol = p.protocol === 'udp' ? 'udp' : p.protocol === 'sctp' ? 'sctp' : 'tcp';
      published.push({ port: p.publishedPort, protocol, targetPort: p.targetPort, mode: p.publishMode === 'host' ? 'host' : 'ingress', service: s.name });
    }
  }
  const self = hostPort(node.swarm?.nodeAddr);
  const peers = new Set<string>();
  for (const m of node.swarm?.remoteManagers ?? []) {
    const hp = hostPort(m.addr);
    if (hp && hp.host !== self?.host) peers.add(hp.host);
  }
  for (const n of node.networks) for (const p of n.peers) if (p.ip && p.ip !== self?.host) peers.add(p.ip);
  const controlPort = node.swarm?.remoteManagers.map((m) => hostPort(m.addr)?.port).find((p) => p !== undefined);
  const ctx: LintContext = {
    nodeName: node.name,
    interfaces,
    networks,
    publishedPorts: published,
    nodeAddresses: self ? [self.host] : undefined,
    peerAddresses: peers.size ? [...peers] : undefined,
    swarmPorts: { controlPort, dataPathPort },
  };
  if (filterRules !== undefined) ctx.filterRules = filterRules;
  return ctx;
}
