/** The explorer tree: nodes → networks / namespaces / services → interfaces, peers, FDB, routes, tasks. */
import * as vscode from 'vscode';
import { Correlator } from '../core/correlate';
import type { FdbEntry, InterfaceInfo, NamespaceInfo, NetworkInfo, ServiceInfo } from '../core/model';
import { fdbLabel, interfaceDescription, interfaceLabel, namespaceDescription, networkDescription, nodeDescription, serviceDescription } from '../core/present';
import type { NodeManager, NodeState } from './nodes';

export type Element =
  | { t: 'node'; node: string }
  | { t: 'group'; node: string; group: 'networks' | 'namespaces' | 'services' | 'diagnostics' }
  | { t: 'network'; node: string; net: NetworkInfo }
  | { t: 'namespace'; node: string; ns: NamespaceInfo }
  | { t: 'nsgroup'; node: string; ns: NamespaceInfo; group: 'fdb' | 'routes' | 'neigh' }
  | { t: 'interface'; node: string; ns: NamespaceInfo; ifc: InterfaceInfo }
  | { t: 'fdb'; node: string; ns: NamespaceInfo; entry: FdbEntry; i: number }
  | { t: 'service'; node: string; svc: ServiceInfo }
  | { t: 'leaf'; id: string; label: string; description?: string; tooltip?: string; icon?: string; contextValue?: string; data?: Record<string, string> };

const NS_ORDER: Record<NamespaceInfo['kind'], number> = { host: 0, ingress_sbox: 1, overlay: 2, lb: 3, task: 4, container: 5, unknown: 6 };

export class SwarmTreeProvider implements vscode.TreeDataProvider<Element> {
  private readonly changed = new vscode.EventEmitter<Element | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private correlator = new Correlator([]);
  /** Set once the first node item has been rendered (for the first-render timing). */
  firstRender?: () => void;

  constructor(private readonly nodes: NodeManager) {
    nodes.onDidChange(() => {
      this.correlator = new Correlator(nodes.models());
      this.changed.fire(undefined);
    });
  }

  getTreeItem(e: Element): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (e.t) {
      case 'node': {
        const s = this.nodes.get(e.node);
        const item = new vscode.TreeItem(e.node, C.Collapsed);
        item.id = `node:${e.node}`;
        item.contextValue = s?.status === 'error' ? 'node-error' : 'node';
        item.iconPath = nodeIcon(s);
        item.description = s?.status === 'error' ? `error: ${s.error}${s.nextAttempt ? ' · retrying automatically' : ''}` : s?.status === 'connecting' ? 'discovering…' : s?.model ? nodeDescription(s.model) : 'not connected';
        item.tooltip = s?.error ?? (s?.model ? `${nodeDescription(s.model)}\ndiscovered in ${s.model.discoveryMs} ms at ${s.model.discoveredAt}` : undefined);
        if (this.firstRender) {
          const f = this.firstRender;
          this.firstRender = undefined;
          setTimeout(f, 0);
        }
        return item;
      }
      case 'group': {
        const m = this.nodes.get(e.node)?.model;
        const count = m ? { networks: m.networks.length, namespaces: m.namespaces.length, services: m.services.length, diagnostics: m.diagnostics.length }[e.group] : 0;
        const item = new vscode.TreeItem(e.group[0].toUpperCase() + e.group.slice(1), C.Collapsed);
        item.id = `${e.node}/${e.group}`;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon({ networks: 'type-hierarchy', namespaces: 'symbol-namespace', services: 'server-process', diagnostics: 'warning' }[e.group]);
        item.contextValue = `group-${e.group}`;
        return item;
      }
      case 'network': {
        const item = new vscode.TreeItem(e.net.name, C.Collapsed);
        item.id = `${e.node}/net/${e.net.id}`;
        item.description = networkDescription(e.net);
        item.tooltip = `${e.net.id}\n${networkDescription(e.net)}`;
        item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
        item.contextValue = 'network';
        return item;
      }
      case 'namespace': {
        const m = this.nodes.get(e.node)?.model;
        const item = new vscode.TreeItem(e.ns.name, C.Collapsed);
        item.id = `${e.node}/ns/${e.ns.name}`;
        item.description = m ? namespaceDescription(m, e.ns) : e.ns.kind;
        item.tooltip = `${e.ns.path}\n${item.description}`;
        item.iconPath = new vscode.ThemeIcon(e.ns.kind === 'overlay' ? 'globe' : e.ns.kind === 'ingress_sbox' ? 'arrow-swap' : e.ns.kind === 'lb' ? 'split-horizontal' : e.ns.kind === 'host' ? 'vm' : 'package');
        item.contextValue = `namespace-${e.ns.kind}`;
        return item;
      }
      case 'nsgroup': {
        const n = { fdb: e.ns.fdb.length, routes: e.ns.routes.length, neigh: e.ns.neighbors.length }[e.group];
        const item = new vscode.TreeItem({ fdb: 'FDB', routes: 'Routes', neigh: 'Neighbours (ARP)' }[e.group], n ? C.Collapsed : C.None);
        item.id = `${e.node}/ns/${e.ns.name}/${e.group}`;
        item.description = String(n);
        item.iconPath = new vscode.ThemeIcon(e.group === 'fdb' ? 'table' : e.group === 'routes' ? 'milestone' : 'references');
        return item;
      }
      case 'interface': {
        const hasDetails = true;
        const item = new vscode.TreeItem(interfaceLabel(e.ifc), hasDetails ? C.Collapsed : C.None);
        item.id = `${e.node}/ns/${e.ns.name}/if/${e.ifc.ifindex}`;
        item.description = interfaceDescription(e.ns, e.ifc);
        item.iconPath = new vscode.ThemeIcon(e.ifc.kind === 'bridge' ? 'symbol-structure' : e.ifc.kind === 'vxlan' ? 'cloud' : e.ifc.kind === 'veth' ? 'link' : 'plug');
        item.contextValue = e.ifc.addresses.length ? 'address-interface' : 'interface';
        return item;
      }
      case 'fdb': {
        const { label, description } = fdbLabel(e.entry, this.correlator, e.ns.networkId);
        const item = new vscode.TreeItem(label, C.None);
        item.id = `${e.node}/ns/${e.ns.name}/fdb/${e.i}`;
        item.description = description;
        item.iconPath = new vscode.ThemeIcon(e.entry.dst ? 'remote' : 'circle-small');
        item.contextValue = 'fdb';
        return item;
      }
      case 'service': {
        const item = new vscode.TreeItem(e.svc.name, C.Collapsed);
        item.id = `${e.node}/svc/${e.svc.id}`;
        item.description = serviceDescription(e.svc);
        item.iconPath = new vscode.ThemeIcon('server-process');
        item.contextValue = 'service';
        return item;
      }
      case 'leaf': {
        const item = new vscode.TreeItem(e.label, C.None);
        item.id = e.id;
        item.description = e.description;
        item.tooltip = e.tooltip;
        if (e.icon) item.iconPath = new vscode.ThemeIcon(e.icon);
        item.contextValue = e.contextValue;
        return item;
      }
    }
  }

  getChildren(e?: Element): Element[] {
    if (!e) return this.nodes.all().map((s) => ({ t: 'node', node: s.config.name }));
    const m = 'node' in e ? this.nodes.get(e.node)?.model : undefined;
    switch (e.t) {
      case 'node': {
        const s = this.nodes.get(e.node);
        if (s?.status === 'error') return [{ t: 'leaf', id: `${e.node}/error`, label: s.error ?? 'error', icon: 'error', tooltip: s.error }];
        if (!m) return [{ t: 'leaf', id: `${e.node}/pending`, label: s?.status === 'connecting' ? 'Discovering…' : 'Not discovered yet — refresh', icon: 'loading' }];
        const groups: Element[] = [
          { t: 'group', node: e.node, group: 'networks' },
          { t: 'group', node: e.node, group: 'namespaces' },
          { t: 'group', node: e.node, group: 'services' },
        ];
        if (m.diagnostics.length) groups.push({ t: 'group', node: e.node, group: 'diagnostics' });
        return groups;
      }
      case 'group':
        if (!m) return [];
        if (e.group === 'networks') return m.networks.map((net) => ({ t: 'network', node: e.node, net }));
        if (e.group === 'namespaces')
          return [...m.namespaces].sort((a, b) => NS_ORDER[a.kind] - NS_ORDER[b.kind] || a.name.localeCompare(b.name)).map((ns) => ({ t: 'namespace', node: e.node, ns }));
        if (e.group === 'services') return m.services.map((svc) => ({ t: 'service', node: e.node, svc }));
        return m.diagnostics.map((d, i) => ({ t: 'leaf', id: `${e.node}/diag/${i}`, label: d.message, description: d.source, tooltip: d.excerpt, icon: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info' }));
      case 'network': {
        const id = `${e.node}/net/${e.net.id}`;
        const out: Element[] = [{ t: 'leaf', id: `${id}/id`, label: `id ${e.net.id.slice(0, 12)}`, icon: 'key' }];
        for (const s of e.net.subnets) out.push({ t: 'leaf', id: `${id}/subnet/${s.subnet}`, label: s.subnet, description: s.gateway ? `gateway ${s.gateway}` : undefined, icon: 'symbol-numeric', contextValue: 'address', data: { ip: s.gateway ?? '' } });
        for (const v of e.net.vxlanIds) out.push({ t: 'leaf', id: `${id}/vni/${v}`, label: `VXLAN id ${v}`, icon: 'cloud' });
        for (const p of e.net.peers) out.push({ t: 'leaf', id: `${id}/peer/${p.ip}`, label: `peer ${p.name}`, description: p.ip, icon: 'vm' });
        for (const ep of e.net.endpoints) out.push({ t: 'leaf', id: `${id}/ep/${ep.containerId}`, label: ep.name, description: [ep.ipv4, ep.mac].filter(Boolean).join(' · '), icon: 'plug', contextValue: 'address', data: { ip: (ep.ipv4 ?? '').split('/')[0] } });
        for (const s of e.net.services) out.push({ t: 'leaf', id: `${id}/svc/${s.name}`, label: `service ${s.name}`, description: [s.vip ? `VIP ${s.vip}` : undefined, s.localLbIndex !== undefined ? `FWM ${s.localLbIndex}` : undefined, `${s.tasks.length} tasks`].filter(Boolean).join(' · '), icon: 'server-process' });
        return out;
      }
      case 'namespace': {
        const out: Element[] = e.ns.interfaces.map((ifc) => ({ t: 'interface', node: e.node, ns: e.ns, ifc }));
        out.push({ t: 'nsgroup', node: e.node, ns: e.ns, group: 'fdb' }, { t: 'nsgroup', node: e.node, ns: e.ns, group: 'neigh' }, { t: 'nsgroup', node: e.node, ns: e.ns, group: 'routes' });
        return out;
      }
      case 'nsgroup': {
        const base = `${e.node}/ns/${e.ns.name}/${e.group}`;
        if (e.group === 'fdb') return e.ns.fdb.map((entry, i) => ({ t: 'fdb', node: e.node, ns: e.ns, entry, i }));
        if (e.group === 'neigh') return e.ns.neighbors.map((n, i) => ({ t: 'leaf', id: `${base}/${i}`, label: `${n.dst} → ${n.lladdr ?? '(incomplete)'}`, description: [n.dev, ...n.state].join(' · '), icon: 'references' }));
        return e.ns.routes.map((r, i) => ({ t: 'leaf', id: `${base}/${i}`, label: r.dst, description: [r.gateway ? `via ${r.gateway}` : undefined, r.dev ? `dev ${r.dev}` : undefined, r.prefsrc ? `src ${r.prefsrc}` : undefined, r.scope].filter(Boolean).join(' · '), icon: 'milestone' }));
      }
      case 'interface': {
        const base = `${e.node}/ns/${e.ns.name}/if/${e.ifc.ifindex}`;
        const out: Element[] = [];
        const peer = e.ns.peers[e.ifc.ifindex];
        if (peer) out.push({ t: 'leaf', id: `${base}/peer`, label: `veth peer: ${peer.namespace}/${peer.name}`, description: `if${peer.ifindex}`, icon: 'link' });
        for (const a of e.ifc.addresses) out.push({ t: 'leaf', id: `${base}/addr/${a.address}`, label: `${a.address}/${a.prefixLen}`, description: a.family, icon: 'symbol-numeric', contextValue: 'address', data: { ip: a.address } });
        if (e.ifc.master) out.push({ t: 'leaf', id: `${base}/master`, label: `master ${e.ifc.master}`, icon: 'symbol-structure' });
        if (e.ifc.vxlan) out.push({ t: 'leaf', id: `${base}/vxlan`, label: `VXLAN id ${e.ifc.vxlan.id}`, description: [e.ifc.vxlan.dstport ? `dstport ${e.ifc.vxlan.dstport}` : undefined, e.ifc.vxlan.proxy ? 'proxy' : undefined, e.ifc.vxlan.l2miss ? 'l2miss' : undefined, e.ifc.vxlan.l3miss ? 'l3miss' : undefined].filter(Boolean).join(' · '), icon: 'cloud' });
        out.push({ t: 'leaf', id: `${base}/link`, label: `mtu ${e.ifc.mtu ?? '?'} · ${e.ifc.state ?? '?'}`, description: e.ifc.flags.join(','), icon: 'info' });
        return out;
      }
      case 'service': {
        const base = `${e.node}/svc/${e.svc.id}`;
        const out: Element[] = e.svc.ports.map((p, i) => ({ t: 'leaf', id: `${base}/port/${i}`, label: `${p.publishedPort ?? '-'} → ${p.targetPort}/${p.protocol}`, description: p.publishMode, icon: 'plug', contextValue: 'port', data: { port: String(p.publishedPort ?? ''), proto: p.protocol, service: e.svc.name } }));
        for (const v of e.svc.vips) out.push({ t: 'leaf', id: `${base}/vip/${v.networkId}`, label: `VIP ${v.addr}`, description: m?.networks.find((n) => n.id === v.networkId)?.name, icon: 'symbol-numeric', contextValue: 'address', data: { ip: v.addr.split('/')[0] } });
        for (const t of e.svc.tasks)
          out.push({ t: 'leaf', id: `${base}/task/${t.id}`, label: `${e.svc.name}.${t.slot ?? t.id.slice(0, 6)}`, description: [t.state, ...t.addresses, `node ${t.nodeId.slice(0, 10)}`].join(' · '), icon: 'package', contextValue: 'task', data: { task: t.id, ip: (t.addresses[0] ?? '').split('/')[0], service: e.svc.name } });
        return out;
      }
      default:
        return [];
    }
  }

  refreshView(): void {
    this.changed.fire(undefined);
  }
}

function nodeIcon(s: NodeState | undefined): vscode.ThemeIcon {
  if (!s) return new vscode.ThemeIcon('vm');
  if (s.status === 'error') return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('errorForeground'));
  if (s.status === 'connecting') return new vscode.ThemeIcon('loading~spin');
  return new vscode.ThemeIcon(s.status === 'ok' ? 'vm-active' : 'vm');
}
