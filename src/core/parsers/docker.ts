/**
 * Total readers of Docker Engine API objects (info, networks, containers, services, tasks) into the node model.
 * The objects come from a remote engine and are read field by field with type checks; nothing is trusted.
 */
import { excerpt, type Diagnostic } from '../diagnostics';
import type { NetworkInfo, ServiceInfo, SwarmInfo } from '../model';
import { arr, bool, isObject, num, obj, str, type JsonObject } from './json';

export function readSwarmInfo(info: unknown): { hostname?: string; engineVersion?: string; firewallBackend?: string; swarm?: SwarmInfo } {
  if (!isObject(info)) return {};
  const sw = obj(info, 'Swarm');
  const cluster = sw ? obj(sw, 'Cluster') : undefined;
  const swarm: SwarmInfo | undefined = sw
    ? {
        nodeId: str(sw, 'NodeID') ?? '',
        nodeAddr: str(sw, 'NodeAddr') ?? '',
        localNodeState: str(sw, 'LocalNodeState') ?? 'unknown',
        controlAvailable: bool(sw, 'ControlAvailable') ?? false,
        clusterId: cluster ? str(cluster, 'ID') : undefined,
        managers: num(sw, 'Managers'),
        nodes: num(sw, 'Nodes'),
        remoteManagers: arr(sw, 'RemoteManagers')
          .filter(isObject)
          .map((m) => ({ nodeId: str(m, 'NodeID') ?? '', addr: str(m, 'Addr') ?? '' })),
      }
    : undefined;
  // FirewallBackend (28.1+): { Driver: "iptables" | "iptables+firewalld" | "nftables" | … }
  const fw = obj(info, 'FirewallBackend');
  return { hostname: str(info, 'Name'), engineVersion: str(info, 'ServerVersion'), firewallBackend: fw ? str(fw, 'Driver') : undefined, swarm };
}

export function readNetwork(n: unknown, diagnostics: Diagnostic[]): NetworkInfo | undefined {
  if (!isObject(n) || !str(n, 'Id') || !str(n, 'Name')) {
    diagnostics.push({ severity: 'warning', source: 'docker network inspect', message: 'network object without Id/Name; ignored', excerpt: excerpt(JSON.stringify(n) ?? '') });
    return undefined;
  }
  const ipam = obj(n, 'IPAM');
  const options = obj(n, 'Options') ?? {};
  const vxlanList = str(options, 'com.docker.network.driver.overlay.vxlanid_list');
  const vxlanIds = vxlanList
    ? vxlanList
        .split(',')
        .map((s) => Number(s.trim()))
        .filter((x) => Number.isInteger(x) && x > 0)
    : [];
  const containers = obj(n, 'Containers') ?? {};
  const services = obj(n, 'Services') ?? {};
  return {
    id: str(n, 'Id') ?? '',
    name: str(n, 'Name') ?? '',
    driver: str(n, 'Driver') ?? '',
    scope: str(n, 'Scope') ?? '',
    subnets: (ipam ? arr(ipam, 'Config') : []).filter(isObject).flatMap((c) => {
      const subnet = str(c, 'Subnet');
      return subnet ? [{ subnet, gateway: str(c, 'Gateway') }] : [];
    }),
    vxlanIds,
    attachable: bool(n, 'Attachable') ?? false,
    ingress: bool(n, 'Ingress') ?? false,
    internal: bool(n, 'Internal') ?? false,
    encrypted: 'encrypted' in options,
    peers: arr(n, 'Peers')
      .filter(isObject)
      .map((p) => ({ name: str(p, 'Name') ?? '', ip: str(p, 'IP') ?? '' })),
    endpoints: Object.entries(containers).flatMap(([cid, c]) =>
      isObject(c) ? [{ containerId: cid, name: str(c, 'Name') ?? cid, ipv4: str(c, 'IPv4Address'), mac: str(c, 'MacAddress') }] : [],
    ),
    services: Object.entries(services).flatMap(([name, s]) =>
      isObject(s)
        ? [
            {
              name,
              vip: str(s, 'VIP'),
              localLbIndex: num(s, 'LocalLBIndex'),
              tasks: arr(s, 'Tasks')
                .filter(isObject)
                .map((t) => ({ name: str(t, 'Name') ?? '', endpointIp: str(t, 'EndpointIP') ?? '', nodeHost: str(obj(t, 'Info') ?? {}, 'Host IP') })),
            },
          ]
        : [],
    ),
  };
}

export interface ContainerSandbox {
  id: string;
  name: string;
  sandboxId: string;
  sandboxKey: string;
  taskId?: string;
  serviceName?: string;
  networks: { name: string; networkId: string; ipv4?: string; mac?: string }[];
}

export function readContainer(c: unknown, diagnostics: Diagnostic[]): ContainerSandbox | undefined {
  if (!isObject(c)) return undefined;
  const id = str(c, 'Id');
  const ns = obj(c, 'NetworkSettings');
  if (!id || !ns) {
    diagnostics.push({ severity: 'warning', source: 'docker inspect', message: 'container without Id/NetworkSettings; ignored', excerpt: excerpt(JSON.stringify(c)) });
    return undefined;
  }
  const labels: JsonObject = obj(obj(c, 'Config') ?? {}, 'Labels') ?? {};
  const nets = obj(ns, 'Networks') ?? {};
  return {
    id,
    name: (str(c, 'Name') ?? id.slice(0, 12)).replace(/^\//, ''),
    sandboxId: str(ns, 'SandboxID') ?? '',
    sandboxKey: str(ns, 'SandboxKey') ?? '',
    taskId: str(labels, 'com.docker.swarm.task.id'),
    serviceName: str(labels, 'com.docker.swarm.service.name'),
    networks: Object.entries(nets).flatMap(([name, v]) =>
      isObject(v) ? [{ name, networkId: str(v, 'NetworkID') ?? '', ipv4: str(v, 'IPAddress') || undefined, mac: str(v, 'MacAddress') || undefined }] : [],
    ),
  };
}

export function readService(s: unknown, tasks: unknown[]): ServiceInfo | undefined {
  if (!isObject(s)) return undefined;
  const id = str(s, 'ID');
  const spec = obj(s, 'Spec');
  if (!id || !spec) return undefined;
  const mode = obj(spec, 'Mode') ?? {};
  const replicated = obj(mode, 'Replicated');
  const endpoint = obj(s, 'Endpoint') ?? {};
  return {
    id,
    name: str(spec, 'Name') ?? id,
    mode: replicated ? 'replicated' : 'global' in mode ? 'global' : 'unknown',
    replicas: replicated ? num(replicated, 'Replicas') : undefined,
    ports: arr(endpoint, 'Ports')
      .filter(isObject)
      .map((p) => ({ protocol: str(p, 'Protocol') ?? 'tcp', targetPort: num(p, 'TargetPort') ?? 0, publishedPort: num(p, 'PublishedPort'), publishMode: str(p, 'PublishMode') })),
    vips: arr(endpoint, 'VirtualIPs')
      .filter(isObject)
      .map((v) => ({ networkId: str(v, 'NetworkID') ?? '', addr: str(v, 'Addr') ?? '' })),
    tasks: tasks.filter(isObject).flatMap((t) => {
      if (str(t, 'ServiceID') !== id) return [];
      const status = obj(t, 'Status') ?? {};
      const cs = obj(status, 'ContainerStatus') ?? {};
      return [
        {
          id: str(t, 'ID') ?? '',
          slot: num(t, 'Slot'),
          nodeId: str(t, 'NodeID') ?? '',
          state: str(status, 'State') ?? 'unknown',
          containerId: str(cs, 'ContainerID'),
          addresses: arr(t, 'NetworksAttachments')
            .filter(isObject)
            .flatMap((a) => arr(a, 'Addresses').filter((x): x is string => typeof x === 'string')),
        },
      ];
    }),
  };
}
