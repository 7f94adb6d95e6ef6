/**
 * Docker's host rules for the test bed's interfaces, in the layouts found in the field (see
 * /work/shared/notes/domain-facts.md and the captured dumps in test/fixtures/lint/dumps, test/fixtures/trace):
 * - v27: Docker ≤ 27 — per-bridge rules directly in FORWARD, DOCKER-ISOLATION-STAGE-1/2, filter DOCKER-INGRESS for
 *   the swarm routing mesh, `-A DOCKER-USER -j RETURN` (as 20.10 on the lab and the ipspace capture);
 * - v28.0: Docker 28.0.0 — bridge rules keyed on the ipset docker-ext-bridges-v4 (as the neuvector capture), unpublished
 *   container ports dropped in DOCKER;
 * - v28: Docker ≥ 28.0.1 — DOCKER-FORWARD / DOCKER-CT / DOCKER-BRIDGE, raw PREROUTING protection of a port published on
 *   127.0.0.1, no DOCKER-USER RETURN (28.2.2 and later).
 * Addresses are the test bed's (topology.ts); every layout publishes the same ports.
 */

export type LayoutName = 'v27' | 'v28.0' | 'v28';
export const LAYOUTS: LayoutName[] = ['v27', 'v28.0', 'v28'];

export interface Published {
  proto: 'tcp' | 'udp';
  port: number;
  to: string;
  toPort: number;
  /** Router interface the container sits behind. */
  iface: string;
  swarm: boolean;
}

/** Host port → container, as `docker run -p` / `docker service create --publish` would set them up. */
export const PUBLISHED: Published[] = [
  { proto: 'tcp', port: 8080, to: '172.17.0.2', toPort: 80, iface: 'docker0', swarm: false },
  { proto: 'udp', port: 5353, to: '172.17.0.3', toPort: 53, iface: 'docker0', swarm: false },
  { proto: 'tcp', port: 8443, to: '172.18.16.2', toPort: 443, iface: 'br-a1b2c3d4e5f6', swarm: false },
  { proto: 'tcp', port: 8000, to: '172.18.0.2', toPort: 8000, iface: 'docker_gwbridge', swarm: true },
  { proto: 'udp', port: 9000, to: '172.18.0.2', toPort: 9000, iface: 'docker_gwbridge', swarm: true },
];

export const BRIDGES = [
  { iface: 'docker0', subnet: '172.17.0.0/16' },
  { iface: 'docker_gwbridge', subnet: '172.18.0.0/20' },
  { iface: 'br-a1b2c3d4e5f6', subnet: '172.18.16.0/20' },
  { iface: 'br-0f1e2d3c4b5a', subnet: '172.18.32.0/20' },
];
/** User-defined bridges (not docker_gwbridge, which Swarm handles apart). */
const CONTAINER_BRIDGES = BRIDGES.filter((b) => b.iface !== 'docker_gwbridge');

function natTable(layout: LayoutName): string[] {
  const out = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-INGRESS - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE',
  ];
  for (const b of [...BRIDGES].reverse()) out.push(`-A POSTROUTING -s ${b.subnet} ! -o ${b.iface} -j MASQUERADE`);
  for (const p of PUBLISHED.filter((x) => !x.swarm)) out.push(`-A POSTROUTING -s ${p.to}/32 -d ${p.to}/32 -p ${p.proto} -m ${p.proto} --dport ${p.toPort} -j MASQUERADE`);
  for (const b of CONTAINER_BRIDGES) out.push(`-A DOCKER -i ${b.iface} -j RETURN`);
  for (const p of PUBLISHED.filter((x) => !x.swarm)) out.push(`-A DOCKER ! -i ${p.iface} -p ${p.proto} -m ${p.proto} --dport ${p.port} -j DNAT --to-destination ${p.to}:${p.toPort}`);
  if (layout === 'v28') out.push('-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 172.17.0.4:5432');
  for (const p of PUBLISHED.filter((x) => x.swarm)) out.push(`-A DOCKER-INGRESS -p ${p.proto} -m ${p.proto} --dport ${p.port} -j DNAT --to-destination ${p.to}:${p.toPort}`);
  out.push('-A DOCKER-INGRESS -j RETURN', 'COMMIT');
  return out;
}

/** The DOCKER chain's per-port ACCEPTs (every layout), then ≥ 28's drop of unpublished ports. */
function dockerChain(layout: LayoutName): string[] {
  const out = PUBLISHED.filter((p) => !p.swarm).map((p) => `-A DOCKER -d ${p.to}/32 ! -i ${p.iface} -o ${p.iface} -p ${p.proto} -m ${p.proto} --dport ${p.toPort} -j ACCEPT`);
  if (layout !== 'v27') for (const b of BRIDGES) out.push(`-A DOCKER ! -i ${b.iface} -o ${b.iface} -j DROP`);
  return out;
}

function ingressChain(): string[] {
  const out: string[] = [];
  for (const p of PUBLISHED.filter((x) => x.swarm)) {
    out.push(`-A DOCKER-INGRESS -p ${p.proto} -m ${p.proto} --dport ${p.port} -j ACCEPT`);
    out.push(`-A DOCKER-INGRESS -p ${p.proto} -m ${p.proto} --sport ${p.port} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  }
  out.push('-A DOCKER-INGRESS -j RETURN');
  return out;
}

function isolation(withReturns: boolean): string[] {
  const out = BRIDGES.map((b) => `-A DOCKER-ISOLATION-STAGE-1 -i ${b.iface} ! -o ${b.iface} -j DOCKER-ISOLATION-STAGE-2`);
  if (withReturns) out.push('-A DOCKER-ISOLATION-STAGE-1 -j RETURN');
  out.push(...BRIDGES.map((b) => `-A DOCKER-ISOLATION-STAGE-2 -o ${b.iface} -j DROP`));
  if (withReturns) out.push('-A DOCKER-ISOLATION-STAGE-2 -j RETURN');
  return out;
}

function filterV27(): string[] {
  const fwd = ['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-INGRESS', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1'];
  for (const b of BRIDGES) {
    fwd.push(`-A FORWARD -o ${b.iface} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`, `-A FORWARD -o ${b.iface} -j DOCKER`, `-A FORWARD -i ${b.iface} ! -o ${b.iface} -j ACCEPT`);
    fwd.push(b.iface === 'docker_gwbridge' ? `-A FORWARD -i ${b.iface} -o ${b.iface} -j DROP` : `-A FORWARD -i ${b.iface} -o ${b.iface} -j ACCEPT`);
  }
  return [':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...chains(['DOCKER', 'DOCKER-INGRESS', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER']), ...fwd, ...dockerChain('v27'), ...ingressChain(), ...isolation(true), '-A DOCKER-USER -j RETURN'];
}

function filterV280(): string[] {
  const fwd = [
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-INGRESS',
    '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER',
  ];
  for (const b of BRIDGES) fwd.push(b.iface === 'docker_gwbridge' ? `-A FORWARD -i ${b.iface} ! -o ${b.iface} -j ACCEPT` : `-A FORWARD -i ${b.iface} -j ACCEPT`);
  return [':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...chains(['DOCKER', 'DOCKER-INGRESS', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER']), ...fwd, ...dockerChain('v28.0'), ...ingressChain(), ...isolation(true), '-A DOCKER-USER -j RETURN'];
}

function filterV28(): string[] {
  const out = [':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...chains(['DOCKER', 'DOCKER-BRIDGE', 'DOCKER-CT', 'DOCKER-FORWARD', 'DOCKER-INGRESS', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER'])];
  out.push('-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-INGRESS', '-A FORWARD -j DOCKER-FORWARD');
  out.push(...dockerChain('v28'));
  for (const b of BRIDGES) out.push(`-A DOCKER-BRIDGE -o ${b.iface} -j DOCKER`);
  for (const b of BRIDGES) out.push(`-A DOCKER-CT -o ${b.iface} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  out.push('-A DOCKER-FORWARD -j DOCKER-CT', '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1', '-A DOCKER-FORWARD -j DOCKER-BRIDGE');
  for (const b of BRIDGES) out.push(b.iface === 'docker_gwbridge' ? `-A DOCKER-FORWARD -i ${b.iface} ! -o ${b.iface} -j ACCEPT` : `-A DOCKER-FORWARD -i ${b.iface} -j ACCEPT`);
  out.push('-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP');
  out.push(...ingressChain(), ...isolation(false));
  return out;
}

function chains(names: string[]): string[] {
  return names.map((n) => `:${n} - [0:0]`);
}

/** The raw table of ≥ 28: a port published on 127.0.0.1 is not reachable from other interfaces. */
const RAW_V28 = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -d 172.17.0.4/32 ! -i docker0 -j DROP', 'COMMIT'];

/**
 * How user rules join the dump: `before-return` (as `iptables -I DOCKER-USER` puts them: before Docker's
 * `-j RETURN` where the layout has one), `after-return` (as `iptables -A DOCKER-USER` does on ≤ 28.2.1: never run), or
 * `none` (Docker's dump alone; the what-if file replaces DOCKER-USER).
 */
export type UserPlacement = 'before-return' | 'after-return' | 'none';

/** The layout's dump as iptables-save prints it, with the user's chain declarations and rules in the filter table. */
export function dockerDump(layout: LayoutName, user: { decls: string[]; rules: string[] } = { decls: [], rules: [] }, placement: UserPlacement = 'none'): string {
  let filter = layout === 'v27' ? filterV27() : layout === 'v28.0' ? filterV280() : filterV28();
  const dockerReturn = filter.filter((l) => l.startsWith('-A DOCKER-USER '));
  if (placement === 'before-return') filter = filter.filter((l) => !l.startsWith('-A DOCKER-USER '));
  const firstRule = filter.findIndex((l) => l.startsWith('-A '));
  if (placement !== 'none') filter.splice(firstRule, 0, ...user.decls);
  const lines = [`# Generated by iptables-save v1.8.9 (nf_tables) — test bed, Docker layout ${layout}`];
  if (layout === 'v28') lines.push(...RAW_V28);
  const tail = placement === 'none' ? [] : placement === 'before-return' ? [...user.rules, ...dockerReturn] : user.rules;
  lines.push(...natTable(layout), '*filter', ...filter, ...tail, 'COMMIT', '');
  return lines.join('\n');
}

/** ipset docker-ext-bridges-v4 as Docker 28.0.0 fills it. */
export function dockerIpsets(): string[] {
  return ['create docker-ext-bridges-v4 hash:net family inet', ...BRIDGES.map((b) => `add docker-ext-bridges-v4 ${b.subnet}`)];
}
