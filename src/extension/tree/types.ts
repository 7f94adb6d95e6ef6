/**
 * The explorer tree's elements: one typed payload per node kind, and one small descriptor per kind (its
 * TreeItem and its children) in the files beside this one — no parallel switches, no untyped `data` bags.
 */
import type * as vscode from 'vscode';
import type { Correlator } from '../../core/correlate';
import type { FdbEntry, InterfaceInfo, NamespaceInfo, NetworkInfo, NodeModel, ServiceInfo } from '../../core/model';
import type { NodeState } from '../nodes';

export type Group = 'networks' | 'namespaces' | 'services' | 'diagnostics';
export type NsGroup = 'fdb' | 'routes' | 'neigh';
export type Task = ServiceInfo['tasks'][number];
export type Port = ServiceInfo['ports'][number];

/** Payload per kind. Every payload names its node (the node's name in the tree). */
export interface Payloads {
  node: { node: string };
  group: { node: string; group: Group };
  network: { node: string; net: NetworkInfo };
  namespace: { node: string; ns: NamespaceInfo };
  nsgroup: { node: string; ns: NamespaceInfo; group: NsGroup };
  interface: { node: string; ns: NamespaceInfo; ifc: InterfaceInfo };
  fdb: { node: string; ns: NamespaceInfo; entry: FdbEntry; i: number };
  fdbFolded: { node: string; ns: NamespaceInfo; entries: FdbEntry[] };
  service: { node: string; svc: ServiceInfo };
  task: { node: string; svc: ServiceInfo; task: Task; ip?: string };
  port: { node: string; svc: ServiceInfo; port: Port; i: number };
  /** An IP address something can be traced to. */
  address: { node: string; id: string; ip: string; label: string; description?: string; tooltip?: string };
  /** The node could not be reached: the cause, with Retry / Edit / Show Log. */
  nodeError: { node: string; message: string };
  /** The other end of a veth pair (click: reveal it). */
  vethPeer: { node: string; id: string; from: { kind: 'interface'; node: string; ns: NamespaceInfo; ifc: InterfaceInfo } };
  /** Plain information (no actions). */
  info: { node: string; id: string; label: string; description?: string; tooltip?: string; icon?: string; children?: Element[] };
}
export type Kind = keyof Payloads;
export type Element = { [K in Kind]: { kind: K } & Payloads[K] }[Kind];
export type ElementOf<K extends Kind> = Extract<Element, { kind: K }>;

/** What descriptors may read: the node states and the correlator over all discovered models. */
export interface TreeEnv {
  state(node: string): NodeState | undefined;
  model(node: string): NodeModel | undefined;
  models(): NodeModel[];
  correlator: Correlator;
}

export interface Descriptor<K extends Kind> {
  item(e: ElementOf<K>, env: TreeEnv): vscode.TreeItem;
  children?(e: ElementOf<K>, env: TreeEnv): Element[];
}

export type Descriptors = { [K in Kind]: Descriptor<K> };
