/** swarm/not-docker-user: container / published-port filtering in FORWARD or Docker's own chains. */
import type { Severity } from '../../diagnostics';
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Cidr } from '../net';
import { contains, overlaps, parseCidr } from '../net';
import { DENY, DOCKER_IFACE, ELIDED_BRIDGE, OTHER_PLATFORM_IFACE, isDockerBridge, isDockerOwnedChain, ruleOptions } from '../facts';
import type { RuleFacts } from '../facts';
import type { Pass } from '../pass';
import { aboutDocker, add, docLine, isMine } from '../pass';
import { moveToDockerUserFix } from '../moveFix';
import { unconditionalOnTopOfForward } from './acceptAll';
import { variableInterface } from '../flows';
import { portIn } from '../net';
import { disjointPorts, matchesNoForwardedPacket } from '../overlap';

const cidrs = (list: string[]): Cidr[] => list.map((x) => parseCidr(x) as Cidr);
/** Docker's default bridge and docker_gwbridge subnets; Docker's default address pools (172.17–31/16, 192.168/16 in /20s). */
const DEFAULT_NETS = cidrs(['172.17.0.0/16', '172.18.0.0/16']);
const DEFAULT_POOLS = cidrs(['172.16.0.0/12', '192.168.0.0/16']);

/** The node's Docker networks (context), else the given defaults. */
function networksOr(p: Pass, defaults: Cidr[]): Cidr[] {
  return p.pc.networks.length ? p.pc.networks.map((n) => n.cidr) : defaults;
}

/**
 * The rule filters forwarded traffic that may be container traffic: anything but routing between two named
 * non-Docker interfaces (a VPN or LAN router) or traffic of another platform's bridge is (on a Docker host most
 * forwarded traffic is).
 */
function aboutContainers(p: Pass, rule: Rule, f: RuleFacts): boolean {
  if (f.dockerLike) return true;
  const i = rule.inInterface;
  const o = rule.outInterface;
  // Nomad's, CNI's, libvirt's bridge: another platform's workloads, which Docker's rules never accept
  if ([i, o].some((b) => b && !b.negated && OTHER_PLATFORM_IFACE.test(b.value))) return false;
  // anti-spoofing of loopback addresses (`-s ::1/128 -j DROP`): no container sends from them
  if (matchesNoForwardedPacket(rule)) return false;
  const named = (b: Rule['inInterface']) => !!b && !b.negated && !DOCKER_IFACE.test(b.value);
  // from a VPN or LAN interface to an address outside Docker's networks: routed traffic no DNAT made container-bound
  if (named(i) && toOutsideDockerNetworks(p, rule, f)) return false;
  return !(named(i) && named(o));
}

/** `-d` an address outside the node's (or Docker's default) networks. */
function toOutsideDockerNetworks(p: Pass, rule: Rule, f: RuleFacts): boolean {
  const dst = f.dstCidr;
  return !!dst && !rule.destination?.negated && !networksOr(p, DEFAULT_POOLS).some((n) => overlaps(n, dst));
}

/** A catch-all deny (no conditions but a comment / reject type): normal default deny at the end of FORWARD. */
function catchAll(f: RuleFacts, rule: Rule): boolean {
  return DENY.has(rule.target?.name ?? '') && (f.conds.length === 0 || f.conds.every((c) => c.startsWith('m:conntrack:ctstate=INVALID') || c.startsWith('m:state:state=INVALID')));
}

function checkRule(p: Pass, rule: Rule, f: RuleFacts, chainSpan: Rule['span'] | undefined, res: Parameters<typeof moveToDockerUserFix>[3]): void {
  const span = chainSpan ?? rule.span;
  // a rule with neither a condition nor a target filters nothing (`iptables -I DOCKER` as a sentence's inline code
  // names the command, holdout 54; run, it adds a rule that only counts packets)
  if (!rule.target && f.conds.length === 0) return;
  if (f.dockerOwned) {
    // a copy of one of Docker's own rules (RETURN, jumps between its chains, bridge rules) in a saved file is harmless;
    // Docker never writes REJECT, so a REJECT on a bridge is the user's own (moby#29407: one appended to DOCKER-ISOLATION)
    // nor a port-bound DROP that a command adds (`iptables -R DOCKER "$n" … --dport 80 -j DROP`): Docker's DROPs there
    // (28+: unpublished ports) carry no port
    const userDrop = f.format === 'command' && DENY.has(rule.target?.name ?? '') && f.dports.length > 0;
    // nor a rule naming a host interface (`-I DOCKER-FORWARD -i eth0.5 -o docker_gwbridge … -j ACCEPT`, holdout 45):
    // Docker's own filter rules name only its bridges
    const hostNic = f.format === 'command' && [rule.inInterface, rule.outInterface].some((b) => !!b && !b.negated && !isDockerBridge(b.value) && !b.value.includes('$') && !b.value.endsWith('+'));
    // (a quote of Docker's rule with the bridge's id left out, `! -i br-* -o br-* -j DROP`, is Docker's rule too)
    const elided = [rule.inInterface, rule.outInterface].some((b) => !!b && ELIDED_BRIDGE.test(b.value));
    const dockersShape = ((f.dockerLike || elided) && rule.target?.name !== 'REJECT' && !userDrop && !hostNic) || (f.format !== 'command' && swarmIngressAccept(rule, f));
    if (p.kind !== 'proposal' || dockersShape || (rule.target?.name === 'RETURN' && f.conds.length === 0)) return;
    const fix = moveToDockerUserFix(p, rule, f, res);
    // a docker.service drop-in's `ExecStartPost=` puts it back after every daemon start: it lasts longer, still fragile
    const reapplied = /^\s*ExecStartPost=/.test(docLine(p, rule.line) ?? '');
    add(p, 'swarm/not-docker-user', reapplied ? 'info' : 'warning',
      `${rule.chain} is Docker's own chain: Docker flushes and rewrites it whenever networks, services or the daemon restart (all versions), so this rule silently disappears${reapplied ? ' (ExecStartPost puts it back after each daemon start, not after the other rewrites)' : ''} (and may run after Docker's ACCEPTs). Rules that filter container and Swarm ingress traffic belong in DOCKER-USER, which Docker jumps to first and never touches.`,
      span, fix ? [fix] : []);
    return;
  }
  // (docker-user/accept-all says what an unconditional ACCEPT inserted at the top of FORWARD does)
  if (unconditionalOnTopOfForward(p, rule, f)) return;
  if (rule.chain !== 'FORWARD' || rule.target?.name === 'DOCKER-USER' || catchAll(f, rule) || variableInterface(rule)) return;
  if (rule.target?.name === 'ACCEPT') {
    acceptBeforeDockerUser(p, rule, f, span);
    return;
  }
  if (!(filters(rule, f) || jumpsToDeny(p, rule, f)) || !aboutContainers(p, rule, f) || dockersOwnDrop(rule, f)) return;
  const fix = moveToDockerUserFix(p, rule, f, res);
  const sev: Severity = p.kind === 'proposal' && !routerLike(p, rule, f) ? 'warning' : 'info';
  const why = rule.op === 'A'
    ? "appended to FORWARD it runs after Docker's own FORWARD rules (Docker ≤ 27: per-bridge ACCEPTs in FORWARD; ≥ 28: the jumps to DOCKER-INGRESS and DOCKER-FORWARD), which already ACCEPT traffic to containers and to the Swarm ingress network, so it never sees that traffic"
    : 'inserted into FORWARD it runs before DOCKER-USER only until Docker re-inserts its jump at the top (daemon restart, network changes)';
  add(p, 'swarm/not-docker-user', sev, `Rule in FORWARD instead of DOCKER-USER: ${why}. Put container/published-port filtering in DOCKER-USER.`, span, fix ? [fix] : []);
}

/**
 * A FORWARD filter of one sender's traffic, or of traffic to an address outside Docker's networks, in a text that
 * never names Docker: a router's, a VM or LXD host's, a Kubernetes node's rule (holdouts 18 and 21) as much as a
 * Docker host's; explained, not flagged. Port filtering (`-I FORWARD -p tcp --dport 25565 …`, `! -s $allowed`) is the
 * usual shape of published-port filtering and stays a warning.
 */
function routerLike(p: Pass, rule: Rule, f: RuleFacts): boolean {
  if (f.dockerLike || aboutDocker(p)) return false;
  return toOutsideDockerNetworks(p, rule, f) || (!!rule.source && !rule.source.negated);
}

/**
 * Docker's own filter DOCKER-INGRESS pair for a Swarm published port (28+): `-p tcp --dport P -j ACCEPT` and the reply
 * rule `-p tcp --sport P -m conntrack/state --ctstate RELATED,ESTABLISHED -j ACCEPT`.
 */
function swarmIngressAccept(rule: Rule, f: RuleFacts): boolean {
  if (rule.chain !== 'DOCKER-INGRESS' || rule.target?.name !== 'ACCEPT' || !rule.protocol || rule.source || rule.destination || rule.inInterface || rule.outInterface) return false;
  const opts = ruleOptions(rule).map(({ o }) => o.name).filter((n) => n !== 'state' && n !== 'ctstate');
  return opts.length === 1 && (opts[0] === 'dport' || (opts[0] === 'sport' && f.established));
}

/** Targets that give a verdict: DROP/REJECT, or a userspace program's for published ports (NFQUEUE/QUEUE: a blocklist daemon). */
const QUEUE = new Set(['NFQUEUE', 'QUEUE']);
function filters(rule: Rule, f: RuleFacts): boolean {
  const t = rule.target?.name ?? '';
  // a queue of all forwarded traffic (a router's userspace firewall for its LAN) is not about published ports
  return DENY.has(t) || (QUEUE.has(t) && (f.dports.length > 0 || f.dockerLike));
}

/**
 * A jump to the user's own chain that drops or rejects (`-I FORWARD -o docker0 -j PRE_DOCKER`): filtering, as a DROP
 * there is. An unconditional jump appended (`-A FORWARD -j LOGDROP` at the end) is a default deny, as a catch-all DROP
 * is; inserted on top (`-I FORWARD 1 -j z_FORWARD`), it filters everything, until Docker puts its jumps above it.
 */
function jumpsToDeny(p: Pass, rule: Rule, f: RuleFacts): boolean {
  const t = rule.target?.name ?? '';
  if (f.conds.length === 0 && rule.op !== 'I') return false;
  const chain = p.ruleset.tables.get('filter')?.chains.get(t);
  return !!chain && !chain.builtin && !isDockerOwnedChain(t) && chain.rules.some((r) => DENY.has(r.target?.name ?? ''));
}

/**
 * Docker's own DROP between the containers of one bridge (`-i docker_gwbridge -o docker_gwbridge -j DROP`, and
 * `icc: false` networks), copied into a script that rebuilds FORWARD: Docker's rule, not a filter of the user's.
 */
function dockersOwnDrop(rule: Rule, f: RuleFacts): boolean {
  const i = rule.inInterface;
  const o = rule.outInterface;
  return !!i && !!o && !i.negated && !o.negated && i.value === o.value && DOCKER_IFACE.test(i.value) && f.conds.length === 2;
}

/** The address condition (not negated) lies within one of the node's Docker networks, or Docker's default bridges. */
function inDockerNetwork(p: Pass, b: Rule['source']): boolean {
  const c = b && !b.negated ? parseCidr(b.value) : undefined;
  return !!c && networksOr(p, DEFAULT_NETS).some((n) => contains(n, c));
}

/** An ACCEPT of Docker-bridge traffic in FORWARD above the jump to DOCKER-USER: DOCKER-USER never sees that traffic. */
function acceptBeforeDockerUser(p: Pass, rule: Rule, f: RuleFacts, span: Rule['span']): void {
  // (or by address: `-s 172.17.0.0/16` is docker0's containers as `-i docker0` is; holdout 42, a minikube note)
  const toPool = inDockerNetwork(p, rule.destination);
  const bridge = [rule.inInterface, rule.outInterface].some((b) => b && !b.negated && isDockerBridge(b.value)) || inDockerNetwork(p, rule.source) || toPool;
  // an ESTABLISHED accept is what Docker itself has in FORWARD
  if (f.anyState) return;
  const forward = p.ruleset.tables.get('filter')?.chains.get('FORWARD')?.rules ?? [];
  const jump = forward.findIndex((r) => r.target?.name === 'DOCKER-USER');
  const before = jump >= 0 && (rule.index ?? Infinity) < jump;
  // `iptables -I FORWARD …` on a running Docker host lands above the jump Docker put at the top of FORWARD
  const insertedOnTop = jump < 0 && p.command && rule.op === 'I' && (rule.position ?? 1) === 1;
  if (!bridge) {
    if (before || insertedOnTop) portAcceptBeforeDockerUser(p, rule, f, span, insertedOnTop);
    return;
  }
  if (!before && !insertedOnTop && !(p.command && rule.op === 'A')) return;
  // to a bridge: every container port is open to routed traffic; from a bridge: the containers' egress skips DOCKER-USER
  const toBridge = (!!rule.outInterface && !rule.outInterface.negated && isDockerBridge(rule.outInterface.value)) || toPool;
  add(p, 'swarm/not-docker-user', before || (insertedOnTop && toBridge) ? 'warning' : 'info',
    before || insertedOnTop
      ? `This ACCEPT of Docker bridge traffic runs before FORWARD's jump to DOCKER-USER${insertedOnTop ? ' (inserted at the top of FORWARD, above the jump Docker put there, until Docker re-inserts it at its next start)' : ''}: DOCKER-USER never sees that traffic, so no filtering there applies to it${toBridge || before ? ' (and every container port, published or not, is open to routed traffic)' : ''}. Put container access policy in DOCKER-USER and leave FORWARD to Docker.`
      : `Docker's own FORWARD rules already accept the traffic of its bridges that should pass; this ACCEPT also opens container ports Docker would not (unpublished ports, other networks). Container access policy belongs in DOCKER-USER.`,
    span);
}

/**
 * `iptables -I FORWARD 1 -p tcp --dport 80 -j ACCEPT` in a text about Docker ("let the packet be forwarded to
 * Docker", holdout 48's guides): the port's forwarded packets are accepted before DOCKER-USER and Docker's rules. A
 * published port needs no such rule (Docker accepts it), and on Docker ≥ 28 the port of unpublished containers is
 * opened to routed traffic: explained (info); a warning when it takes packets a DROP/REJECT of the text's DOCKER-USER
 * is there to filter. Not for one sender's packets (`-s`), routing to addresses outside Docker's networks or between
 * two named non-Docker interfaces. On a Swarm port (4789, 7946, 2377) the rule does nothing for the nodes' own
 * traffic, which never passes FORWARD: a warning, as docker-user/swarm-port is in DOCKER-USER.
 */
function portAcceptBeforeDockerUser(p: Pass, rule: Rule, f: RuleFacts, span: Rule['span'], insertedOnTop: boolean): void {
  const ports = f.dstPorts.filter((d) => !d.o.negated && d.set);
  // (one sender's packets, a container's own egress among them: `-s ${containerIp} -p udp --dport 53`, holdout 34)
  if (!ports.length || (rule.source && !rule.source.negated) || !aboutDocker(p) || !aboutContainers(p, rule, f) || toOutsideDockerNetworks(p, rule, f)) return;
  if ([rule.inInterface, rule.outInterface].some((b) => b?.value.includes('$'))) return;
  const list = ports.map((d) => d.o.args[0]).join(', ');
  const sp = p.pc.swarm;
  if (ports.every((d) => [sp.control, sp.gossip, sp.data].some((x) => d.set && portIn(d.set, x) && d.set.every(([lo, hi]) => hi - lo < 16)))) {
    // (`-I FORWARD -p udp --dport 4789 -j ACCEPT` meant to let VXLAN through, holdout 36)
    add(p, 'swarm/not-docker-user', 'warning', `Port ${list} is Swarm traffic between the nodes themselves: it is addressed to this node and passes INPUT/OUTPUT, never FORWARD, so this ACCEPT does nothing for it (it only lets forwarded packets to that port skip DOCKER-USER). Open Swarm ports in INPUT.`, span);
    return;
  }
  const bypassed = p.doc.find((d) => d.rule.chain === 'DOCKER-USER' && d.rule.table === 'filter' && d.rule.op !== 'D' && DENY.has(d.rule.target?.name ?? '') && isMine(p, d.rule) && sharesPort(d.f, ports));
  add(p, 'swarm/not-docker-user', bypassed ? 'warning' : 'info',
    `This ACCEPT runs before FORWARD's jump to DOCKER-USER${insertedOnTop ? ' (inserted at the top of FORWARD, above the jump Docker put there, until Docker re-inserts it at its next start)' : ''}: forwarded packets to port ${list} skip DOCKER-USER and Docker's own rules${bypassed ? `, so the ${bypassed.rule.target?.name} on line ${bypassed.rule.line + 1} never filters them` : ''}. A published port needs no FORWARD rule (Docker accepts it after DNAT), and on Docker ≥ 28 this also opens that port of unpublished containers to routed traffic. Put port policy in DOCKER-USER.`,
    span);
}

/** A DOCKER-USER rule's destination ports (none: every port) meet one of the given port options' ports. */
function sharesPort(f: RuleFacts, ports: RuleFacts['dstPorts']): boolean {
  const mine = f.dstPorts.filter((d) => !d.o.negated && d.set);
  if (!mine.length) return !f.dstPorts.length;
  return mine.some((a) => ports.some((b) => !!a.set && !!b.set && !disjointPorts(a.set, b.set)));
}

function checkInputToContainers(p: Pass, rule: Rule, f: RuleFacts, res: Parameters<typeof moveToDockerUserFix>[3]): void {
  const dst = f.dstCidr;
  // the network's first address is its bridge's, the host's own (`-d 172.18.0.1`: a proxy on the host): INPUT is right
  const gateway = (n: Cidr) => !!dst && dst.lo === dst.hi && dst.lo === n.lo + 1;
  const toContainer = (rule.outInterface && DOCKER_IFACE.test(rule.outInterface.value) && !rule.outInterface.negated)
    || (!!dst && !rule.destination?.negated && networksOr(p, DEFAULT_NETS).some((n) => contains(n, dst) && !gateway(n)));
  if (!toContainer) return;
  const fix = moveToDockerUserFix(p, rule, f, res);
  add(p, 'swarm/not-docker-user', 'warning', 'This rule matches traffic to containers, which is forwarded (FORWARD → DOCKER-USER), never delivered to INPUT: it has no effect. Put it in DOCKER-USER.', res.chainSpan ?? rule.span, fix ? [fix] : []);
}

/**
 * Docker's own nat jump (`-m addrtype --dst-type LOCAL -j DOCKER-INGRESS` / `-j DOCKER`) written with a source or
 * interface condition, to restrict who reaches the published ports (moby#28469): Docker and Swarm insert their own
 * unconditional jump at the top of PREROUTING again (a task starting, the daemon restarting), which takes the
 * traffic first. Reported; true when it was.
 */
function narrowedDockerJump(p: Pass, rule: Rule): boolean {
  const t = rule.target?.name;
  if (p.kind !== 'proposal' || (rule.chain !== 'PREROUTING' && rule.chain !== 'OUTPUT') || (t !== 'DOCKER-INGRESS' && t !== 'DOCKER')) return false;
  const narrowed = rule.source && !rule.source.negated ? `-s ${rule.source.value}` : rule.inInterface && !rule.inInterface.negated ? `-i ${rule.inInterface.value}` : undefined;
  if (!narrowed) return false;
  add(p, 'swarm/not-docker-user', 'warning',
    `This narrows Docker's own jump to ${t} (${narrowed}) to restrict who reaches the published ports: Docker${t === 'DOCKER-INGRESS' ? ' (Swarm, whenever a task starts on the node)' : ', when the daemon restarts,'} inserts its unconditional jump at the top of ${rule.chain} again, which takes every packet first, so the restriction stops working. Filter published ports in DOCKER-USER (-m conntrack --ctorigdstport … --ctdir ORIGINAL, with the allowed sources returned first).`,
    rule.span);
  return true;
}

/** The text runs Docker with `"iptables": false` (daemon.json) or `--iptables=false`: Docker writes no rules, the chains named DOCKER are the author's. */
const IPTABLES_OFF = /"iptables"\s*:\s*false|--iptables[= ]false/;

/**
 * A rule a script adds to Docker's own nat chain (`iptables -t nat -I DOCKER -p tcp --dport 5000 -j DNAT …`, a
 * blue-green switch; `-I DOCKER 3 … -j REDIRECT`, holdout 47): Docker flushes and rebuilds that chain when the daemon
 * restarts, so the rule silently disappears. Not Docker's own shapes (its `-i docker0 -j RETURN`, its DNATs with
 * `! -i <bridge>`), which a script re-creating them writes too. Reported; true when it was.
 */
function natDockerChain(p: Pass, rule: Rule, f: RuleFacts, chainSpan: Rule['span'] | undefined): boolean {
  if (p.kind !== 'proposal' || f.format !== 'command' || !f.dockerOwned || rule.op === 'D' || f.dockerLike || IPTABLES_OFF.test(p.text)) return false;
  // Docker's DNAT shape, its bridge named by a variable (`! -i ${DOCKER_INT} … -j DNAT`: a script re-creating Docker's rules, holdout 21)
  if (rule.target?.name === 'DNAT' && rule.inInterface?.negated) return false;
  add(p, 'swarm/not-docker-user', 'warning',
    `${rule.chain} is Docker's own nat chain: Docker flushes and rebuilds it when the daemon restarts (and changes it as containers publish ports), so this rule silently disappears. Keep your own nat rules in a chain of your own jumped to from PREROUTING/OUTPUT, publish ports with Docker (-p), and filter published ports in DOCKER-USER.`,
    chainSpan ?? rule.span);
  return true;
}

/**
 * A port "filter" appended to nat PREROUTING (`-t nat -A PREROUTING -p tcp --dport 3000 … -j RETURN`): it runs after
 * Docker's `-j DOCKER` jump, whose DNAT already took the published ports, and the nat table cannot drop anyway.
 */
function checkNatPrerouting(p: Pass, rule: Rule, f: RuleFacts, chainSpan: Rule['span'] | undefined): void {
  const t = rule.target?.name;
  if (narrowedDockerJump(p, rule) || natDockerChain(p, rule, f, chainSpan)) return;
  if (!p.command || rule.op !== 'A' || rule.chain !== 'PREROUTING' || f.dockerLike || (t !== 'RETURN' && t !== 'ACCEPT')) return;
  if (!ruleOptions(rule).some(({ o }) => /^(dport|dports|destination-ports?)$/.test(o.name))) return;
  add(p, 'swarm/not-docker-user', 'warning',
    `Appended to nat PREROUTING, this ${t} runs after Docker's jump to its DOCKER chain (\`-m addrtype --dst-type LOCAL -j DOCKER\`), whose DNAT already took the published ports: it never sees that traffic, and the nat table cannot drop it anyway. Filter published ports in DOCKER-USER (match the published port with -m conntrack --ctorigdstport … --ctdir ORIGINAL).`,
    chainSpan ?? rule.span);
}

export const notDockerUser: LintRule = {
  code: 'swarm/not-docker-user',
  severity: 'warning',
  description: 'Container or published-port filtering in FORWARD, INPUT or a chain Docker owns, where it does not work.',
  docs: "Docker jumps from FORWARD to DOCKER-USER first and never touches that chain. A DROP/REJECT for container traffic appended to FORWARD runs after Docker's ACCEPTs (never sees the traffic); inserted, it runs only until Docker re-inserts its jump; in DOCKER, DOCKER-FORWARD, DOCKER-INGRESS, … it is flushed when Docker rewrites its chains. A port rule appended to nat PREROUTING (`-j RETURN` meant as an exception) runs after Docker's DNAT and never sees published traffic. A catch-all `-A FORWARD -j DROP`/`REJECT` at the end is a normal default deny and is not reported (it does not protect published ports, which Docker accepts earlier). A port ACCEPT inserted at the top of FORWARD (`-I FORWARD 1 -p tcp --dport 80 -j ACCEPT`, \"let the packet be forwarded to Docker\") is explained as info: a published port needs no FORWARD rule, and the port's forwarded packets skip DOCKER-USER (a warning where a DOCKER-USER DROP/REJECT of the text filters that port; on a Swarm port, which never passes FORWARD, a warning that the rule does nothing).",
  // nat rules, and filter rules in INPUT, FORWARD or one of Docker's chains (a DOCKER-USER rule is where it belongs)
  appliesTo: (rule, f) => rule.table === 'nat' || (rule.table === 'filter' && rule.op !== 'D' && (rule.chain === 'INPUT' || rule.chain === 'FORWARD' || f.dockerOwned)),
  check(p, rules) {
    for (const { rule, f, res } of rules) {
      if (rule.table === 'nat' && isMine(p, rule)) checkNatPrerouting(p, rule, f, res.chainSpan);
      if (rule.table !== 'filter' || rule.op === 'D' || !isMine(p, rule)) continue;
      if (rule.chain === 'INPUT') checkInputToContainers(p, rule, f, res);
      else checkRule(p, rule, f, res.chainSpan, res);
    }
  },
};
