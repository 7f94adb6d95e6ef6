/**
 * The model of a Swarm node's networking as discovered from the Docker API and from the network namespaces
 * under /var/run/docker/netns. VS Code-free: used by the extension, the language server and the CLI.
 */
import type { Diagnostic } from './diagnostics';

export type NamespaceKind = 'ingress_sbox' | 'lb' | 'overlay' | 'task' | 'container' | 'host' | 'unknown';

export interface AddressInfo {
  family: 'inet' | 'inet6';
  address: string;
  prefixLen: number;
}

export interface VxlanInfo {
  id: number;
  dstport?: number;
  local?: string;
  learning?: boolean;
  proxy?: boolean;
  l2miss?: boolean;
  l3miss?: boolean;
}

export interface InterfaceInfo {
  ifindex: number;
  name: string;
  mac?: string;
  mtu?: number;
  state?: string;
  flags: string[];
  /** Kind from `ip -d link` linkinfo (veth, bridge, vxlan, ...). */
  kind?: string;
  /** Name of the master bridge, if enslaved. */
  master?: string;
  /** ifindex of the peer (veth) or lower device as printed `@ifN`. */
  linkIndex?: number;
  /** netns id (in this namespace's id space) where the peer lives, if different. */
  linkNetnsId?: number;
  addresses: AddressInfo[];
  vxlan?: VxlanInfo;
}

export interface FdbEntry {
  mac: string;
  dev: string;
  /** VTEP address for vxlan entries (`dst`). */
  dst?: string;
  master?: string;
  vlan?: number;
  flags: string[];
  state?: string;
}

export interface NeighEntry {
  dst: string;
  dev: string;
  lladdr?: string;
  state: string[];
}

export interface RouteEntry {
  dst: string;
  dev?: string;
  gateway?: string;
  prefsrc?: string;
  protocol?: string;
  scope?: string;
  table?: string;
  type?: string;
}

/** A peer link resolved across namespaces: this interface's veth partner. */
export interface PeerRef {
  namespace: string;
  ifindex: number;
  name: string;
}

export interface NamespaceInfo {
  /** Name as found under /var/run/docker/netns (or "host" for the root namespace). */
  name: string;
  path: string;
  kind: NamespaceKind;
  /** Network id this namespace belongs to (overlay `1-`, `lb_`), if known. */
  networkId?: string;
  /** Containers whose sandbox this is. */
  containers: { id: string; name: string; taskId?: string; serviceName?: string }[];
  /** Kernel's netns id for this namespace as seen from the root namespace (`ip netns list-id` space). */
  interfaces: InterfaceInfo[];
  fdb: FdbEntry[];
  neighbors: NeighEntry[];
  routes: RouteEntry[];
  /** Resolved veth peers, keyed by local ifindex. */
  peers: Record<number, PeerRef>;
}

export interface NetworkInfo {
  id: string;
  name: string;
  driver: string;
  scope: string;
  subnets: { subnet: string; gateway?: string }[];
  vxlanIds: number[];
  attachable: boolean;
  ingress: boolean;
  internal: boolean;
  encrypted: boolean;
  /** Swarm peers known to this network (name, ip) from `docker network inspect`. */
  peers: { name: string; ip: string }[];
  /** Containers/endpoints attached on this node. */
  endpoints: { containerId: string; name: string; ipv4?: string; mac?: string }[];
  /** Services and their VIPs / load-balancer index (FWM) when inspected verbosely on a manager. */
  services: { name: string; vip?: string; localLbIndex?: number; tasks: { name: string; endpointIp: string; nodeHost?: string }[] }[];
}

export interface ServiceInfo {
  id: string;
  name: string;
  mode: string;
  replicas?: number;
  ports: { protocol: string; targetPort: number; publishedPort?: number; publishMode?: string }[];
  vips: { networkId: string; addr: string }[];
  tasks: { id: string; slot?: number; nodeId: string; state: string; containerId?: string; addresses: string[] }[];
}

export interface SwarmInfo {
  nodeId: string;
  nodeAddr: string;
  localNodeState: string;
  controlAvailable: boolean;
  clusterId?: string;
  managers?: number;
  nodes?: number;
  remoteManagers: { nodeId: string; addr: string }[];
}

export interface NodeModel {
  /** The configured node name (label in the tree). */
  name: string;
  hostname?: string;
  engineVersion?: string;
  swarm?: SwarmInfo;
  networks: NetworkInfo[];
  namespaces: NamespaceInfo[];
  services: ServiceInfo[];
  /** Everything that went wrong but did not stop discovery. */
  diagnostics: Diagnostic[];
  /** Wall time the discovery took, ms. */
  discoveryMs?: number;
  discoveredAt: string;
  /** The swarm's nodes as a manager lists them (managers only): names for node ids and addresses. */
  swarmNodes?: SwarmNodeName[];
}

export interface SwarmNodeName {
  id: string;
  hostname: string;
  addr?: string;
  role?: string;
}

export const NETNS_DIR = '/var/run/docker/netns';
