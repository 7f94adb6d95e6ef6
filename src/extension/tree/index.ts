/** The descriptor of every element kind, and the one place that dispatches on the kind. */
import type * as vscode from 'vscode';
import { address, info } from './leaf';
import { fdb, fdbFolded, iface, namespace, nsgroup, vethPeer } from './namespace';
import { network } from './network';
import { group, node, nodeError } from './node';
import { port, service, task } from './service';
import type { Descriptor, Descriptors, Element, Kind, TreeEnv } from './types';

export const DESCRIPTORS: Descriptors = { node, group, nodeError, network, namespace, nsgroup, interface: iface, fdb, fdbFolded, vethPeer, service, task, port, address, info };

function descriptorOf<K extends Kind>(kind: K): Descriptor<K> {
  return DESCRIPTORS[kind];
}

export function itemOf(e: Element, env: TreeEnv): vscode.TreeItem {
  return (descriptorOf(e.kind) as Descriptor<Kind>).item(e as never, env);
}

export function childrenOf(e: Element, env: TreeEnv): Element[] {
  const d = descriptorOf(e.kind) as Descriptor<Kind>;
  return d.children ? d.children(e as never, env) : [];
}
