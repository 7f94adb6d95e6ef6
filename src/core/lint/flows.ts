/**
 * Standard flows of a Docker/Swarm host, as packets for the project's netfilter evaluator
 * (../trace/netfilter.ts): container egress and its replies, DNS, a published port, and the Swarm control and
 * data plane between nodes. Used by the DOCKER-USER rules (does this DROP cut egress / replies?) and by the
 * fix-safety check (does a fix newly drop a flow the original let through?).
 */
import { instancesIn } from './shellValues';
import type { Chain, Rule, Ruleset } from '../iptables/model';
import type { EvalEnv, Hook } from '../trace/netfilter';
import { ruleMatches } from '../trace/netfilter';
import type { CtState, Packet } from '../trace/packet';
import { newPacket } from '../trace/packet';
import { DOCKER_IFACE } from './facts';

export interface Flow {
  name: string;
  hook: Hook;
  pkt: Packet;
  /** Never to be broken by a fix (a published port counts only where the policy accepts it explicitly). */
  critical: boolean;
}

export const ENV: EvalEnv = { ifaceAddresses: {} };
export const PEER = '198.18.0.12';
export const NODE = '198.18.0.11';
const INTERNET = '93.184.216.34';

export function packet(o: { src: string; dst: string; proto: string; sport?: number; dport?: number; in?: string; out?: string; state?: CtState; reply?: boolean; orig?: { dst: string; dport?: number } }): Packet {
  const p = newPacket({ src: o.src, dst: o.dst, proto: o.proto, sport: o.sport, dport: o.dport, inIface: o.in });
  p.outIface = o.out;
  const state = o.state ?? 'NEW';
  if (o.reply) {
    p.ct = { state, origSrc: o.dst, origDst: o.src, origSport: o.dport, origDport: o.sport, status: [], dir: 'REPLY' };
  } else {
    p.ct = { ...p.ct, state };
    if (o.orig) p.ct = { ...p.ct, origDst: o.orig.dst, origDport: o.orig.dport, status: ['DNAT'] };
  }
  if (o.proto === 'tcp') p.tcpFlags = state === 'NEW' ? ['SYN'] : ['ACK'];
  return p;
}

const BRIDGES: [string, string][] = [['docker0', '172.17.0.2'], ['br-0123456789ab', '172.19.0.2']];
const SWARM_BRIDGE: [string, string] = ['docker_gwbridge', '172.18.0.3'];

/** Container egress (NEW, to a web port and to a database port) and the replies to it, per bridge and external interface. */
export function egressFlows(ext: string[], swarm = false): Flow[] {
  const out: Flow[] = [];
  for (const e of ext) {
    for (const [br, ip] of swarm ? [...BRIDGES, SWARM_BRIDGE] : BRIDGES) {
      out.push({ name: `container egress ${br} → ${e} tcp/443`, hook: 'FORWARD', critical: true, pkt: packet({ src: ip, dst: INTERNET, proto: 'tcp', sport: 40000, dport: 443, in: br, out: e }) });
      out.push({ name: `container egress ${br} → ${e} tcp/5432`, hook: 'FORWARD', critical: true, pkt: packet({ src: ip, dst: INTERNET, proto: 'tcp', sport: 40003, dport: 5432, in: br, out: e }) });
      out.push({ name: `reply to container egress ${e} → ${br} tcp/443`, hook: 'FORWARD', critical: true, pkt: packet({ src: INTERNET, dst: ip, proto: 'tcp', sport: 443, dport: 40000, in: e, out: br, state: 'ESTABLISHED', reply: true }) });
      out.push({ name: `container DNS ${br} → ${e} udp/53`, hook: 'FORWARD', critical: true, pkt: packet({ src: ip, dst: '8.8.8.8', proto: 'udp', sport: 40001, dport: 53, in: br, out: e }) });
      out.push({ name: `DNS reply ${e} → ${br}`, hook: 'FORWARD', critical: true, pkt: packet({ src: '8.8.8.8', dst: ip, proto: 'udp', sport: 53, dport: 40001, in: e, out: br, state: 'ESTABLISHED', reply: true }) });
    }
  }
  return out;
}

/** A container on one Docker network opening a connection to a container on another: what Docker's isolation drops. */
export function crossNetworkFlow(): Flow {
  const [[fromBr, fromIp], [toBr, toIp]] = BRIDGES;
  return { name: `container ${fromIp} on ${fromBr} → container ${toIp} on ${toBr} tcp/5432`, hook: 'FORWARD', critical: false, pkt: packet({ src: fromIp, dst: toIp, proto: 'tcp', sport: 40005, dport: 5432, in: fromBr, out: toBr }) };
}

/** Container egress to one remote port (NEW), per bridge and external interface: what a port-bound DROP also takes. */
export function egressToPort(ext: string[], proto: string, port: number, swarm = false): Flow[] {
  const out: Flow[] = [];
  for (const e of ext) {
    for (const [br, ip] of swarm ? [...BRIDGES, SWARM_BRIDGE] : BRIDGES) {
      out.push({ name: `container egress ${br} → ${e} ${proto}/${port}`, hook: 'FORWARD', critical: false, pkt: packet({ src: ip, dst: INTERNET, proto, sport: 40007, dport: port, in: br, out: e }) });
    }
  }
  return out;
}

/** The reply to a container's own connection, addressed to `ip` (a container address a rule names), per external interface. */
export function replyToAddress(ext: string[], ip: string): Flow[] {
  return ext.map((e) => ({ name: `reply to container egress ${e} → ${ip} tcp/443`, hook: 'FORWARD' as Hook, critical: true, pkt: packet({ src: INTERNET, dst: ip, proto: 'tcp', sport: 443, dport: 40000, in: e, out: BRIDGES[1][0], state: 'ESTABLISHED', reply: true }) }));
}

/** A published port reached from a client, after Swarm ingress DNAT (to 172.18.0.2 on docker_gwbridge). */
export function publishedFlow(ext: string, client: string, port: number, critical: boolean): Flow {
  return {
    name: `published port ${port}/tcp from ${client} via ${ext}`,
    hook: 'FORWARD',
    critical,
    pkt: packet({ src: client, dst: '172.18.0.2', proto: 'tcp', sport: 50000, dport: port, in: ext, out: 'docker_gwbridge', orig: { dst: NODE, dport: port } }),
  };
}

/** Swarm control and data plane between this node and a peer, in INPUT and OUTPUT. */
export function swarmFlows(ext: string[], ports: { control: number; gossip: number; data: number }): Flow[] {
  const out: Flow[] = [];
  const list: [string, number | undefined][] = [['tcp', ports.control], ['tcp', ports.gossip], ['udp', ports.gossip], ['udp', ports.data], ['esp', undefined]];
  for (const e of ext) {
    for (const [proto, port] of list) {
      const what = `${proto}${port ? `/${port}` : ''}`;
      out.push({ name: `swarm ${what} from a peer via ${e}`, hook: 'INPUT', critical: true, pkt: packet({ src: PEER, dst: NODE, proto, sport: port ? 40002 : undefined, dport: port, in: e }) });
      out.push({ name: `swarm ${what} to a peer via ${e}`, hook: 'OUTPUT', critical: true, pkt: packet({ src: NODE, dst: PEER, proto, sport: port ? 40002 : undefined, dport: port, out: e }) });
    }
  }
  return out;
}

const extCache = new WeakMap<Rule[], string[]>();

/** External (non-Docker) interface names the rules use, or eth0. */
export function externalInterfaces(rules: Rule[]): string[] {
  return remember(extCache, rules, () => findExternal(rules));
}

/** The value cached under the key, computed and stored on first use (the linter's caches: Map or WeakMap). */
export function remember<K, V>(cache: { get(k: K): V | undefined; set(k: K, v: V): unknown }, key: K, compute: () => V): V {
  return cache.get(key) ?? store(cache, key, compute());
}

function store<K, V>(cache: { set(k: K, v: V): unknown }, key: K, v: V): V {
  cache.set(key, v);
  return v;
}

function findExternal(rules: Rule[]): string[] {
  const names = new Set<string>();
  const bridges = containerSides(rules);
  for (const r of rules) {
    for (const b of [r.inInterface, r.outInterface]) {
      if (b && !b.value.includes('$') && !b.value.includes(',') && !b.value.endsWith('+') && b.value !== 'lo' && !DOCKER_IFACE.test(b.value) && !/^(veth|br-|docker)/.test(b.value) && !bridges.has(b.value)) names.add(b.value);
    }
  }
  return names.size ? [...names].slice(0, 3) : ['eth0'];
}

/** `-i X -j RETURN` (or ACCEPT) and nothing else: everything X sends passes. */
export function passesAllFrom(r: Rule): string | undefined {
  const plain = r.inInterface && !r.inInterface.negated && !r.outInterface && !r.source && !r.destination && !r.protocol && r.matches.length === 0;
  return plain && (r.target?.name === 'RETURN' || r.target?.name === 'ACCEPT') ? r.inInterface?.value : undefined;
}

/**
 * Interfaces the chain lets send everything, as it does a Docker bridge (`-i docker0 -j RETURN`, `-i hassio -j RETURN`
 * on Home Assistant OS, holdout 46): the author lists the container side's bridges there, not the external interface.
 */
function containerSides(rules: Rule[]): Set<string> {
  const passed = rules.map(passesAllFrom).filter((x): x is string => x !== undefined);
  return passed.some((x) => DOCKER_IFACE.test(x)) ? new Set(passed) : new Set();
}

/** Some condition of the rule is a shell variable (`-s $NET`): what it matches is unknown. */
const variableCache = new WeakMap<Rule, boolean>();

/** A condition of the rule is a shell variable (cached per rule: the flow walks ask for every rule they pass). */
export function hasVariable(rule: Rule): boolean {
  return remember(variableCache, rule, () => computeHasVariable(rule));
}

function computeHasVariable(rule: Rule): boolean {
  if ([rule.protocol, rule.source, rule.destination, rule.inInterface, rule.outInterface].some((b) => b?.value.includes('$'))) return true;
  return rule.matches.some((m) => m.options.some((o) => o.args.some((a) => a.includes('$'))));
}

/** An interface condition that is a shell variable (`-o $OUT_IF`, `-i "${WAN}"`). */
export function variableInterface(rule: Rule): boolean {
  return [rule.inInterface, rule.outInterface].some((b) => b?.value.includes('$'));
}

/**
 * Does the rule match the packet: 'yes', 'no', or 'unknown' (a condition the evaluator cannot decide, or a shell
 * variable). A rule written with variables whose literal values the script gives (`for net in …`, `PORT=443`) is
 * judged by the rules the shell runs, one per value: it matches when one of them does. Otherwise a variable interface
 * (`-o $OUT_IF`: scripts compute the uplink) may name the packet's, and a variable address is taken for an outside
 * one (the allowed clients, the LAN: not the containers' addresses).
 */
function matchOf(rs: Ruleset, rule: Rule, pkt: Packet, hook: Hook): 'yes' | 'no' | 'unknown' {
  if (!hasVariable(rule)) {
    const m = ruleMatches(rule, pkt, ENV, hook);
    return !m.matched ? 'no' : m.unsupported.length ? 'unknown' : 'yes';
  }
  const inst = instancesIn(rs, rule);
  if (inst) {
    const hits = inst.rules.map((r) => ruleMatches(r, pkt, ENV, hook)).filter((m) => m.matched);
    if (!hits.length) return 'no';
    return inst.certain && hits.some((h) => !h.unsupported.length) ? 'yes' : 'unknown';
  }
  if (variableInterface(rule) || rule.protocol?.value.includes('$')) return 'unknown';
  // (an address the shell computes, `$(curl … | paste -d, -s)`, is a variable one too: its commas are not a list here)
  const computed = (b: Rule['source']) => (b?.value.includes('$') ? { ...b, value: '$ADDRESS' } : b);
  const plain = rule.source?.value.includes('$(') || rule.destination?.value.includes('$(') ? { ...rule, source: computed(rule.source), destination: computed(rule.destination) } : rule;
  return ruleMatches(plain, pkt, ENV, hook).matched ? 'unknown' : 'no';
}

export interface Decision {
  verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' | 'END';
  rule?: Rule;
  /** A rule on the way had a condition the evaluator cannot decide (or a shell variable). */
  unknown: boolean;
}

/** Walks one chain of a ruleset's filter table for a packet, following jumps to user chains (`skip`: rules left out). */
export function walkChain(rs: Ruleset, chain: string, pkt: Packet, hook: Hook, skip?: Set<Rule>, depth = 0): Decision {
  const c: Chain | undefined = rs.tables.get('filter')?.chains.get(chain);
  let unknown = false;
  // Stryker disable next-line ArrayDeclaration: equivalent, a chain that does not exist: any non-rule element has no target and is skipped
  for (const rule of c?.rules ?? []) {
    const t = rule.target?.name;
    if (!t || skip?.has(rule)) continue;
    const m = matchOf(rs, rule, pkt, hook);
    if (m === 'no') continue;
    if (m === 'unknown') {
      unknown = true;
      continue;
    }
    if (t === 'ACCEPT' || t === 'DROP' || t === 'REJECT') return { verdict: t, rule, unknown };
    if (t === 'RETURN') return { verdict: 'RETURN', rule, unknown };
    const sub = rs.tables.get('filter')?.chains.get(t);
    // Stryker disable next-line EqualityOperator: equivalent, the depth bound only stops jump loops: one level more ends the same way
    if (sub && !sub.builtin && depth < 8) {
      const d = walkChain(rs, t, pkt, hook, skip, depth + 1);
      unknown ||= d.unknown;
      if (d.verdict === 'ACCEPT' || d.verdict === 'DROP' || d.verdict === 'REJECT') return { ...d, unknown };
      // Stryker disable next-line OptionalChaining: equivalent, a rule that jumped to a chain has a target
      if (rule.target?.goto) return { verdict: 'RETURN', rule, unknown };
    }
  }
  return { verdict: 'END', unknown };
}
