/**
 * Node-aware linting: the facts of a discovered node (src/core/discovery.ts) as a LintContext — its host
 * interfaces and addresses, Docker networks and subnets, published ports, the swarm peers' addresses and the
 * node's current filter rules (iptables-save -t filter, gathered by the caller).
 */
import type { NodeModel } from '../model';
import type { LintContext, PublishedPort } from './types';

export function lintContextFromModel(model: NodeModel, others: NodeModel[] = [], filterRules?: string): LintContext {
  const host = model.namespaces.find((n) => n.kind === 'host');
  const interfaces = (host?.interfaces ?? []).map((i) => ({ name: i.name, addresses: i.addresses.map((a) => `${a.address}/${a.prefixLen}`) }));
  const nodeAddresses = (host?.interfaces ?? []).flatMap((i) => i.addresses.filter((a) => a.family === 'inet').map((a) => a.address));
  const publishedPorts: PublishedPort[] = model.services.flatMap((s) =>
    s.ports.flatMap((p): PublishedPort[] => {
      if (p.publishedPort === undefined) return [];
      const protocol = p.protocol === 'udp' || p.protocol === 'sctp' ? p.protocol : 'tcp';
      return [{ port: p.publishedPort, protocol, targetPort: p.targetPort, mode: p.publishMode === 'host' ? 'host' : 'ingress', service: s.name }];
    }),
  );
  const peers = new Set<string>();
  for (const m of model.swarm?.remoteManagers ?? []) peers.add(m.addr.replace(/:\d+$/, ''));
  for (const n of model.networks) for (const p of n.peers) peers.add(p.ip);
  for (const o of others) if (o.name !== model.name && o.swarm?.nodeAddr) peers.add(o.swarm.nodeAddr);
  for (const a of nodeAddresses) peers.delete(a);
  if (model.swarm?.nodeAddr) peers.delete(model.swarm.nodeAddr);
  const dataPathPort = model.namespaces.flatMap((n) => n.interfaces).find((i) => i.vxlan?.dstport)?.vxlan?.dstport;
  // the managers' listen port (2377 unless --listen-addr changed it)
  const controlPort = (model.swarm?.remoteManagers ?? []).map((m) => /:(\d+)$/.exec(m.addr)?.[1]).find((p) => p !== undefined);
  return {
    nodeName: model.name,
    engineVersion: model.engineVersion,
    firewallBackend: model.firewallBackend,
    swarmPorts: dataPathPort || controlPort ? { dataPathPort, controlPort: controlPort ? Number(controlPort) : undefined } : undefined,
    interfaces,
    networks: model.networks.map((n) => ({ name: n.name, id: n.id, driver: n.driver, subnets: n.subnets.map((s) => s.subnet), ingress: n.ingress, encrypted: n.encrypted })),
    filterRules,
    publishedPorts,
    peerAddresses: [...peers],
    nodeAddresses,
  };
}
