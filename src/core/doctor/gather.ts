/**
 * What the doctor reads from a node beyond discovery, in few round trips: the NetworkDB tables through the
 * engine's diagnostic server (one fixed script fetching every path; the port from `--diag-port` or the node's
 * /etc/docker/daemon.json; the server listens on the node's 127.0.0.1 only, so it is reached from the node),
 * `ipvsadm -Ln` and mangle rules in the load-balancer sandboxes, the host's whole `iptables-save` (the firewall
 * check evaluates it, the routing-mesh check reads its nat DOCKER-INGRESS). All read-only.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { errorMessage, type Diagnostic } from '../diagnostics';
import type { NodeModel } from '../model';
import { nsenterArgv } from '../netns';
import { readNetwork } from '../parsers/docker';
import type { CommandRunner } from '../transport/types';
import { decodeEndpointRecord, decodePeerRecord, parsePeers, parseTable } from './networkdb';
import type { DoctorNode, NodeGossip } from './types';

/** Fetches each path given after the port with whatever HTTP client the node has; sections marked by $1. */
export const FETCH_SCRIPT = `M="@@$1"; P="$2"; shift 2
if command -v curl >/dev/null 2>&1; then get() { curl -s --max-time 5 "http://127.0.0.1:$P$1"; }
elif command -v wget >/dev/null 2>&1; then get() { wget -q -T 5 -O - "http://127.0.0.1:$P$1"; }
elif command -v busybox >/dev/null 2>&1; then get() { busybox wget -q -T 5 -O - "http://127.0.0.1:$P$1"; }
else printf '%s none\\n' "$M"; exit 0; fi
for p in "$@"; do printf '\\n%s %s\\n' "$M" "$p"; get "$p" || printf '\\n%s failed %s\\n' "$M" "$?"; done
`;

export function splitSections(text: string, nonce: string): Map<string, string> | 'no-client' {
  const marker = `@@${nonce} `;
  if (text.includes(`${marker}none`)) return 'no-client';
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(marker)) {
      const rest = line.slice(marker.length);
      if (rest.startsWith('failed ')) {
        if (current) out.set(current, `(request failed: exit ${rest.slice(7)})`);
      } else {
        current = rest;
        out.set(current, '');
      }
    } else if (current) out.set(current, (out.get(current) ?? '') + line);
  }
  return out;
}

/** The diagnostic port from daemon.json text, or undefined. */
export function diagPortFrom(daemonJson: string): number | undefined {
  try {
    const v: unknown = JSON.parse(daemonJson);
    const p = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['network-diagnostic-port'] : undefined;
    return typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536 ? p : undefined;
  } catch {
    return undefined;
  }
}

async function readGossip(runner: CommandRunner, model: NodeModel, port: number, diags: Diagnostic[]): Promise<NodeGossip | string> {
  const nonce = randomBytes(6).toString('hex');
  const overlays = model.networks.filter((n) => n.driver === 'overlay' && /^[a-z0-9]{25}$/.test(n.id));
  const paths = ['/clusterpeers?json', ...overlays.flatMap((n) => [`/networkpeers?nid=${n.id}&json`, `/gettable?nid=${n.id}&tname=endpoint_table&json`, `/gettable?nid=${n.id}&tname=overlay_peer_table&json`])];
  const r = await runner.run(['sh', '-c', FETCH_SCRIPT, 'sh', nonce, String(port), ...paths], { timeoutMs: 15000 });
  const sections = splitSections(r.stdout, nonce);
  if (sections === 'no-client') return 'the node has no curl, wget or busybox to reach its diagnostic server';
  const cluster = sections.get(paths[0]);
  if (!cluster || cluster.startsWith('(request failed')) {
    return `"network-diagnostic-port": ${port} is set, but nothing answers on 127.0.0.1:${port} of the node (${cluster || r.stderr.trim() || `exit ${r.code}`}); Docker 20.10 opens it only on a configuration reload: \`systemctl reload docker\` or \`kill -HUP <dockerd pid>\``;
  }
  const gossip: NodeGossip = { clusterPeers: parsePeers(cluster, '/clusterpeers', diags), networks: {} };
  if (!gossip.clusterPeers) return `diagnostic server on 127.0.0.1:${port}: ${cluster.slice(0, 120)}`;
  for (const n of overlays) {
    const get = (p: string) => sections.get(p) ?? '';
    gossip.networks[n.id] = {
      peers: parsePeers(get(`/networkpeers?nid=${n.id}&json`), `/networkpeers ${n.name}`, diags),
      endpoints: parseTable(get(`/gettable?nid=${n.id}&tname=endpoint_table&json`), `endpoint_table ${n.name}`, decodeEndpointRecord, diags),
      overlayPeers: parseTable(get(`/gettable?nid=${n.id}&tname=overlay_peer_table&json`), `overlay_peer_table ${n.name}`, decodePeerRecord, diags),
    };
  }
  return gossip;
}

/** Workers' discovery inspects networks without `verbose`: re-read their per-service VIPs, LB index and tasks. */
async function verboseServices(docker: Docker, model: NodeModel): Promise<void> {
  await Promise.all(
    model.networks
      .filter((n) => n.driver === 'overlay' && n.services.length === 0)
      .map(async (n) => {
        try {
          const net = docker.getNetwork(n.id);
          const inspect = net.inspect as unknown as (this: typeof net, opts: { verbose?: boolean }) => Promise<unknown>;
          const full = readNetwork(await inspect.call(net, { verbose: true }), model.diagnostics);
          if (full) n.services = full.services;
        } catch (e) {
          model.diagnostics.push({ severity: 'warning', source: 'docker network inspect --verbose', message: `${n.name}: ${errorMessage(e)}` });
        }
      }),
  );
}

export interface GatherDoctorOptions {
  /** The engine's network-diagnostic-port; read from /etc/docker/daemon.json on the node when absent. */
  diagPort?: number;
  /** The node's Docker API, to read workers' verbose network views. */
  docker?: Docker;
}

async function findDiagPort(runner: CommandRunner, opts: GatherDoctorOptions): Promise<number | string> {
  if (opts.diagPort) return opts.diagPort;
  const r = await runner.run(['cat', '/etc/docker/daemon.json'], { timeoutMs: 10000 });
  // (a slow or failed read is not a missing file: say what happened instead of "the diagnostic server is off")
  if (r.timedOut) return `could not read /etc/docker/daemon.json on the node (timed out after ${r.durationMs} ms): gossip checks skipped`;
  if (r.code !== 0 && !/No such file/i.test(r.stderr)) return `could not read /etc/docker/daemon.json on the node (${r.stderr.trim().slice(0, 200) || `exit ${r.code ?? 'killed'}`}): gossip checks skipped`;
  if (r.code !== 0) return 'no /etc/docker/daemon.json on the node: the diagnostic server is off (set "network-diagnostic-port" there, or pass --diag-port)';
  return diagPortFrom(r.stdout) ?? 'the diagnostic server is off ("network-diagnostic-port" is not set in /etc/docker/daemon.json): gossip checks skipped';
}

/** Gathers one node's doctor data on top of its discovered model. Never throws: failures become skip reasons. */
export async function gatherDoctorNode(runner: CommandRunner | undefined, model: NodeModel, opts: GatherDoctorOptions = {}): Promise<DoctorNode> {
  const node: DoctorNode = { name: model.name, model, ipvs: {}, mangle: {} };
  if (opts.docker && !model.swarm?.controlAvailable) await verboseServices(opts.docker, model);
  if (!runner) {
    node.gossipSkipped = 'no command access to the node (Docker API only): NetworkDB and kernel tables cannot be read';
    return node;
  }
  const lbs = model.namespaces.filter((ns) => ns.name === 'ingress_sbox' || ns.name.startsWith('lb_')).map((ns) => ns.name);
  const run = async (argv: string[]) => {
    const r = await runner.run(argv, { timeoutMs: 10000 });
    return r.stdout + r.stderr;
  };
  const [port, hostRules, ...per] = await Promise.all([
    findDiagPort(runner, opts).catch((e: unknown) => `cannot read daemon.json: ${errorMessage(e)}`),
    runner.run(['iptables-save'], { timeoutMs: 10000 }).then(
      (r) => (r.code === 0 ? { text: r.stdout } : { skipped: `iptables-save: ${(r.stderr.trim() || `exit ${r.code}`).slice(0, 200)}` }),
      (e: unknown) => ({ skipped: `iptables-save: ${errorMessage(e)}` }),
    ),
    ...lbs.flatMap((ns) => [run(nsenterArgv(ns, ['ipvsadm', '-Ln'])).catch((e: unknown) => errorMessage(e)), run(nsenterArgv(ns, ['iptables', '-t', 'mangle', '-S'])).catch(() => undefined)]),
  ]);
  // one read of the host's tables serves both the firewall check and the routing mesh's nat DOCKER-INGRESS
  if ('text' in hostRules) node.hostNat = node.hostRules = hostRules.text;
  else node.hostRulesSkipped = hostRules.skipped;
  lbs.forEach((ns, i) => {
    node.ipvs[ns] = per[2 * i] ?? '';
    const m = per[2 * i + 1];
    if (m !== undefined) node.mangle[ns] = m;
  });
  if (typeof port === 'string') node.gossipSkipped = port;
  else {
    const g = await readGossip(runner, model, port, model.diagnostics).catch((e: unknown) => `diagnostic server: ${errorMessage(e)}`);
    if (typeof g === 'string') node.gossipSkipped = g;
    else node.gossip = g;
  }
  return node;
}
