/** A node (a machine), its groups, and the row that says why it could not be reached. */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../core/diagnostics';
import { nodeDescription } from '../../core/present';
import { causeOf, type NodeState } from '../nodes';
import { treeItem } from './item';
import type { Descriptor, Element, Group } from './types';

function nodeIcon(s: NodeState | undefined): vscode.ThemeIcon {
  if (!s) return new vscode.ThemeIcon('vm');
  if (s.status === 'error') return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('errorForeground'));
  if (s.status === 'connecting') return new vscode.ThemeIcon('loading~spin');
  return new vscode.ThemeIcon(s.status === 'ok' ? 'vm-active' : 'vm');
}

function statusText(s: NodeState | undefined): string {
  if (!s) return 'not connected';
  if (s.status === 'error') return `${causeOf(s.error ?? 'error')}${s.nextAttempt ? ' · retrying automatically' : s.needsUser ? ' · waits for Retry' : ''}`;
  if (s.status === 'connecting') return 'discovering…';
  return s.model ? nodeDescription(s.model) : 'not connected';
}

export const node: Descriptor<'node'> = {
  item(e, env) {
    const s = env.state(e.node);
    const m = s?.model;
    return treeItem(e.node, {
      id: `node:${e.node}`,
      expand: true,
      contextValue: s?.status === 'error' ? 'node-error' : 'node',
      icon: nodeIcon(s),
      description: statusText(s),
      tooltip: s?.status === 'error' ? undefined : m ? `discovered in ${m.discoveryMs} ms at ${m.discoveredAt}` : undefined,
    });
  },
  children(e, env) {
    const s = env.state(e.node);
    if (s?.status === 'error') return [{ kind: 'nodeError', node: e.node, message: s.error ?? 'error' }];
    const m = s?.model;
    if (!m) return [{ kind: 'info', node: e.node, id: `${e.node}/pending`, label: s?.status === 'connecting' ? 'Discovering…' : 'Not discovered yet — refresh', icon: 'loading' }];
    const groups: Group[] = ['networks', 'namespaces', 'services'];
    if (m.diagnostics.length) groups.push('diagnostics');
    return groups.map((group) => ({ kind: 'group', node: e.node, group }));
  },
};

export const nodeError: Descriptor<'nodeError'> = {
  item: (e) =>
    treeItem(e.message, {
      id: `${e.node}/error`,
      icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
      contextValue: 'node-error-detail',
      tooltip: `${e.message}\n\nRetry, edit the node's settings, or show the log (buttons on this row).`,
    }),
};

/** A discovery diagnostic's hover: severity and source, and the excerpt of the output it is about when there is one. */
export function diagnosticTooltip(d: Diagnostic): string {
  return `${d.severity} from ${d.source}${d.line ? `, line ${d.line}` : ''}, during discovery${d.excerpt ? `\n\n${d.excerpt}` : ''}`;
}

const GROUP_ICON: Record<Group, string> = { networks: 'type-hierarchy', namespaces: 'symbol-namespace', services: 'server-process', diagnostics: 'warning' };
const NS_ORDER: Record<string, number> = { host: 0, ingress_sbox: 1, overlay: 2, lb: 3, task: 4, container: 5, unknown: 6 };

export const group: Descriptor<'group'> = {
  item(e, env) {
    const m = env.model(e.node);
    const count = m ? { networks: m.networks.length, namespaces: m.namespaces.length, services: m.services.length, diagnostics: m.diagnostics.length }[e.group] : 0;
    const worker = e.group === 'services' && m?.swarm && !m.swarm.controlAvailable;
    return treeItem(e.group[0].toUpperCase() + e.group.slice(1), {
      id: `${e.node}/${e.group}`,
      expand: true,
      description: worker ? 'listed on managers only' : String(count),
      tooltip: worker ? 'A worker cannot list services: the swarm API answers on managers only. Add a manager node to see them.' : undefined,
      icon: GROUP_ICON[e.group],
      contextValue: `group-${e.group}`,
    });
  },
  children(e, env): Element[] {
    const m = env.model(e.node);
    if (!m) return [];
    if (e.group === 'networks') return m.networks.map((net) => ({ kind: 'network', node: e.node, net }));
    if (e.group === 'namespaces')
      return [...m.namespaces].sort((a, b) => NS_ORDER[a.kind] - NS_ORDER[b.kind] || a.name.localeCompare(b.name)).map((ns) => ({ kind: 'namespace', node: e.node, ns }));
    if (e.group === 'services') return m.services.map((svc) => ({ kind: 'service', node: e.node, svc }));
    // The hover adds what the row does not show (severity, where it came from, the output it is about).
    return m.diagnostics.map((d, i) => ({ kind: 'info', node: e.node, id: `${e.node}/diag/${i}`, label: d.message, description: d.source, tooltip: diagnosticTooltip(d), icon: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info' }));
  },
};
