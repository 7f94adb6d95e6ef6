/** The explorer's TreeDataProvider: nodes at the root, everything below from the per-kind descriptors. */
import * as vscode from 'vscode';
import { Correlator } from '../../core/correlate';
import type { NodeManager } from '../nodes';
import { childrenOf, itemOf } from './index';
import { peerElement } from './namespace';
import type { Element, TreeEnv } from './types';

export class SwarmTreeProvider implements vscode.TreeDataProvider<Element> {
  private readonly changed = new vscode.EventEmitter<Element | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly env: TreeEnv;
  /** Called once, when the first node row has been rendered (for the first-render timing). */
  firstRender?: () => void;

  constructor(private readonly nodes: NodeManager) {
    const env: TreeEnv = {
      state: (n) => nodes.get(n),
      model: (n) => nodes.get(n)?.model,
      models: () => nodes.models(),
      correlator: new Correlator([]),
    };
    this.env = env;
    nodes.onDidChange(() => {
      env.correlator = new Correlator(nodes.models());
      this.changed.fire(undefined);
    });
  }

  getTreeItem(e: Element): vscode.TreeItem {
    if (e.kind === 'node' && this.firstRender) {
      const f = this.firstRender;
      this.firstRender = undefined;
      setTimeout(f, 0);
    }
    return itemOf(e, this.env);
  }

  getChildren(e?: Element): Element[] {
    if (!e) return this.nodes.all().map((s) => ({ kind: 'node', node: s.config.name }));
    return childrenOf(e, this.env);
  }

  /** Parents of the kinds the view reveals (a veth peer's interface, a doctor finding's namespace or network, a node). */
  getParent(e: Element): Element | undefined {
    if (e.kind === 'interface') return { kind: 'namespace', node: e.node, ns: e.ns };
    if (e.kind === 'namespace') return { kind: 'group', node: e.node, group: 'namespaces' };
    if (e.kind === 'network') return { kind: 'group', node: e.node, group: 'networks' };
    if (e.kind === 'group' || e.kind === 'nodeError') return { kind: 'node', node: e.node };
    return undefined;
  }

  /** The element at the other end of a veth (undefined when the peer is not in the model). */
  peerOf(e: Element): Element | undefined {
    return e.kind === 'interface' ? peerElement(e, this.env) : undefined;
  }

  refreshView(): void {
    this.changed.fire(undefined);
  }
}
