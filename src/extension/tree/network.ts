/** A network: id, subnets, VXLAN ids, peers (by hostname when known), endpoints and its service endpoint groups. */
import type { NetworkInfo } from '../../core/model';
import { hostOfAddress, networkDescription } from '../../core/present';
import { treeItem } from './item';
import type { Descriptor, Element } from './types';

type NetService = NetworkInfo['services'][number];

/** The routing mesh's group (no name, VIP `<nil>`, FWM 0) is the ingress sandboxes of all nodes. */
export function netServiceLabel(s: NetService): { label: string; description: string; tooltip?: string } {
  const tasks = `${s.tasks.length} task${s.tasks.length === 1 ? '' : 's'}`;
  if (!s.name && (!s.vip || s.vip === '<nil>')) {
    return {
      label: 'ingress endpoints (routing mesh)',
      description: `${s.tasks.length} node${s.tasks.length === 1 ? '' : 's'}`,
      tooltip: `Each node's ingress sandbox on this network: ${s.tasks.map((t) => `${t.nodeHost ?? '?'} ${t.endpointIp}`).join(', ')}`,
    };
  }
  const vip = s.vip && s.vip !== '<nil>' ? `VIP ${s.vip}` : undefined;
  return { label: `service ${s.name}`, description: [vip, s.localLbIndex ? `FWM ${s.localLbIndex}` : undefined, tasks].filter(Boolean).join(' · ') };
}

export const network: Descriptor<'network'> = {
  item: (e) =>
    treeItem(e.net.name, {
      id: `${e.node}/net/${e.net.id}`,
      expand: true,
      description: networkDescription(e.net),
      tooltip: `id ${e.net.id}`,
      icon: 'type-hierarchy-sub',
      contextValue: 'network',
    }),
  children(e, env) {
    const id = `${e.node}/net/${e.net.id}`;
    const out: Element[] = [{ kind: 'info', node: e.node, id: `${id}/id`, label: `id ${e.net.id.slice(0, 12)}`, tooltip: e.net.id, icon: 'key' }];
    for (const s of e.net.subnets)
      out.push(s.gateway ? { kind: 'address', node: e.node, id: `${id}/subnet/${s.subnet}`, label: s.subnet, description: `gateway ${s.gateway}`, ip: s.gateway } : { kind: 'info', node: e.node, id: `${id}/subnet/${s.subnet}`, label: s.subnet, icon: 'symbol-numeric' });
    for (const v of e.net.vxlanIds) out.push({ kind: 'info', node: e.node, id: `${id}/vni/${v}`, label: `VXLAN id ${v}`, icon: 'cloud' });
    for (const p of e.net.peers) {
      const host = hostOfAddress(env.models(), p.ip);
      out.push({ kind: 'info', node: e.node, id: `${id}/peer/${p.ip}`, label: `peer ${host ?? p.name}`, description: p.ip, tooltip: host ? `gossip peer name ${p.name}` : undefined, icon: 'vm' });
    }
    for (const ep of e.net.endpoints)
      out.push({ kind: 'address', node: e.node, id: `${id}/ep/${ep.containerId}`, label: ep.name, description: [ep.ipv4, ep.mac].filter(Boolean).join(' · '), ip: (ep.ipv4 ?? '').split('/')[0] });
    for (const s of e.net.services) {
      const l = netServiceLabel(s);
      out.push({ kind: 'info', node: e.node, id: `${id}/svc/${s.name || '(ingress)'}`, label: l.label, description: l.description, tooltip: l.tooltip, icon: 'server-process' });
    }
    return out;
  },
};
