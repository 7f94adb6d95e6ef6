/** The request's source and destination found in the models: addresses, service VIPs, task and container names. */
import type { PreparedNode, PreparedNs, PreparedScenario } from './prepare';

/** Name of the service whose VIP is this address, from any node's model. */
export function vipService(sc: PreparedScenario, ip: string): string | undefined {
  for (const n of sc.nodes) {
    for (const net of n.model.networks) for (const s of net.services) if (s.vip?.split('/')[0] === ip) return s.name;
    for (const s of n.model.services) if (s.vips.some((v) => v.addr.split('/')[0] === ip)) return s.name;
  }
  return undefined;
}

export function parseTo(sc: PreparedScenario, to: string): { ip: string; port?: number } | string {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(to);
  if (m) return { ip: m[1], port: m[2] ? Number(m[2]) : undefined };
  const [name, port] = to.split(':', 2);
  for (const n of sc.nodes) {
    for (const net of n.model.networks) {
      const s = net.services.find((x) => x.name === name && x.vip);
      if (s?.vip) return { ip: s.vip.split('/')[0], port: port ? Number(port) : undefined };
    }
    for (const s of n.model.services) {
      if (s.name === name && s.vips[0]) return { ip: s.vips[0].addr.split('/')[0], port: port ? Number(port) : undefined };
    }
  }
  return `cannot resolve destination "${to}": not ip[:port] and no service of that name with a VIP in the models`;
}

/** `task:<service>[@<node>][:<port>]`: a task of a service, optionally on a given node. */
export const TASK_REF = /^task:([^@:]+)(?:@([^:]+))?(?::(\d+))?$/;

function isTaskOf(ns: PreparedNs, service: string): boolean {
  return ns.info.kind === 'task' && ns.info.containers.some((x) => x.serviceName === service || x.name.startsWith(`${service}.`));
}

/** Task namespaces of a service (on one node when given), in node order. */
export function taskNamespaces(sc: PreparedScenario, service: string, node?: string): { node: PreparedNode; ns: PreparedNs }[] {
  return sc.nodes.filter((n) => !node || n.model.name === node).flatMap((n) => [...n.ns.values()].filter((ns) => isTaskOf(ns, service)).map((ns) => ({ node: n, ns })));
}

export function inetAddresses(ns: PreparedNs): { address: string; prefixLen: number }[] {
  return ns.info.interfaces.filter((i) => i.name !== 'lo').flatMap((i) => i.addresses.filter((a) => a.family === 'inet'));
}

export function findSourceNs(sc: PreparedScenario, from: string): { node: PreparedNode; ns: PreparedNs; ip: string } | undefined {
  const t = TASK_REF.exec(from);
  if (t) {
    const first = taskNamespaces(sc, t[1], t[2])[0];
    const ip = first ? inetAddresses(first.ns)[0]?.address : undefined;
    return first && ip ? { ...first, ip } : undefined;
  }
  for (const node of sc.nodes) {
    for (const ns of node.ns.values()) {
      if (ns.info.kind === 'host') continue;
      // A namespace name, a container name ("web.2.<taskid>" or just "web.2"), a container id prefix or a task id.
      const byName = ns.info.name === from || ns.info.containers.some((x) => x.name === from || x.name.startsWith(`${from}.`) || (from.length >= 6 && x.id.startsWith(from)) || x.taskId === from);
      // loopback addresses are in every namespace: they name none (a 127.x source is a client on the node itself)
      const addr = ns.info.interfaces.filter((i) => i.name !== 'lo').flatMap((i) => i.addresses).find((a) => a.address === from);
      if (addr || byName) {
        const ip = addr?.address ?? ns.info.interfaces.flatMap((i) => i.addresses).find((a) => a.family === 'inet' && a.address !== '127.0.0.1')?.address;
        if (ip) return { node, ns, ip };
      }
    }
  }
  return undefined;
}
