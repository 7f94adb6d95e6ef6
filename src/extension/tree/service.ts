/** A service: its published ports, VIPs and tasks (named by slot, placed by hostname). */
import { hostOfNodeId, serviceDescription } from '../../core/present';
import { treeItem } from './item';
import type { Descriptor, Element } from './types';

export const service: Descriptor<'service'> = {
  item: (e) => treeItem(e.svc.name, { id: `${e.node}/svc/${e.svc.id}`, expand: true, description: serviceDescription(e.svc), tooltip: `id ${e.svc.id}`, icon: 'server-process', contextValue: 'service' }),
  children(e, env) {
    const base = `${e.node}/svc/${e.svc.id}`;
    const m = env.model(e.node);
    const out: Element[] = e.svc.ports.map((port, i) => ({ kind: 'port', node: e.node, svc: e.svc, port, i }));
    for (const v of e.svc.vips)
      out.push({ kind: 'address', node: e.node, id: `${base}/vip/${v.networkId}`, label: `VIP ${v.addr}`, description: m?.networks.find((n) => n.id === v.networkId)?.name, ip: v.addr.split('/')[0] });
    for (const task of e.svc.tasks) out.push({ kind: 'task', node: e.node, svc: e.svc, task, ip: (task.addresses[0] ?? '').split('/')[0] || undefined });
    return out;
  },
};

export function taskLabel(svc: string, t: { slot?: number; id: string }): string {
  return `${svc}.${t.slot ?? t.id.slice(0, 6)}`;
}

export const task: Descriptor<'task'> = {
  item(e, env) {
    const host = hostOfNodeId(env.models(), e.task.nodeId);
    return treeItem(taskLabel(e.svc.name, e.task), {
      id: `${e.node}/svc/${e.svc.id}/task/${e.task.id}`,
      description: [e.task.state, ...e.task.addresses, `on ${host ?? `node ${e.task.nodeId.slice(0, 10)}`}`].join(' · '),
      tooltip: [`task ${e.task.id}`, `node ${e.task.nodeId}`, e.task.containerId ? `container ${e.task.containerId.slice(0, 12)}` : undefined].filter(Boolean).join('\n'),
      icon: 'package',
      contextValue: 'task',
    });
  },
};

export const port: Descriptor<'port'> = {
  item: (e) =>
    treeItem(`${e.port.publishedPort ?? '-'} → ${e.port.targetPort}/${e.port.protocol}`, {
      id: `${e.node}/svc/${e.svc.id}/port/${e.i}`,
      description: e.port.publishMode,
      tooltip: e.port.publishMode === 'host' ? 'published on the nodes running a task only (mode host)' : e.port.publishedPort ? 'published on every node through the routing mesh' : undefined,
      icon: 'plug',
      contextValue: 'port',
    }),
};
