/**
 * Line-independent facts of a rule, computed once per parsed line and cached with it by the engine: the rule's
 * canonical conditions (for shadowing and duplicates), its ports, conntrack states, and what Docker-ness it has.
 */
import type { LineResult } from '../iptables/parse';
import type { BaseMatch, Rule, RuleOption } from '../iptables/model';
import { PROTOCOL_NUMBERS, normalizeAddress } from '../iptables/spec';
import { own } from '../record';
import type { Cidr, PortSet } from './net';
import { parseCidr, parsePorts } from './net';

// DOCKER-ISOLATION: Docker 1.13–17.05's single isolation chain (split into the two stages in 17.06)
export const DOCKER_OWNED = /^(DOCKER|DOCKER-ISOLATION|DOCKER-ISOLATION-STAGE-\d+|DOCKER-INGRESS|DOCKER-FORWARD|DOCKER-CT|DOCKER-BRIDGE|DOCKER-INTERNAL|DOCKER_OUTPUT|DOCKER_POSTROUTING)$/;
// (`br-` and 12 hex digits of the network id; a guide's example id is often shorter: `br-abc123`, holdout 54)
export const DOCKER_IFACE = /^(docker0|docker_gwbridge|br-[0-9a-f]{4,12})$/;

/**
 * A Docker bridge whose network id a text left out: `br-*`, `br-<id>`, `br-xxxxxxxxxxxx`, `br-...` (an Arabic report
 * quoting Docker 28's `-A DOCKER ! -i br-* -o br-* -j DROP`, holdout 56). Only a rule of Docker's own chains is read
 * so (elsewhere `br-*` is a literal name: rules/interface-wildcard).
 */
export const ELIDED_BRIDGE = /^br-(?:\*|<[^>]*>|x{4,12}|X{4,12}|\.{3}|…)$/;

/** One of Docker's bridges, or a wildcard over them (`br-+`: every user-defined network's bridge, `docker+`). */
export function isDockerBridge(name: string): boolean {
  return DOCKER_IFACE.test(name) || name === 'br-+' || name === 'docker+';
}
/**
 * Bridges and tunnels of other container and VM platforms (Nomad, CNI/Kubernetes, Podman, libvirt, LXC/LXD/Incus,
 * Flannel, Calico, Weave, Cilium, VM taps): traffic from or to them is not Docker's, and Docker's rules do not decide it.
 */
export const OTHER_PLATFORM_IFACE = /^(nomad|cni\d*|cni-podman\d*|podman\d*|virbr\d+|lxcbr\d+|lxdbr\d+|incusbr\d+|flannel\.\d+|cali[0-9a-f]+|weave|kube-bridge|cilium_\w+|vnet\d+|tap\w+)$/;
export const DENY = new Set(['DROP', 'REJECT']);
const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'TPROXY']);
const STATEFUL = new Set(['limit', 'hashlimit', 'statistic', 'recent', 'connlimit', 'quota', 'time', 'connbytes']);
const PORT_OPTS = new Set(['dport', 'dports', 'ports', 'ctorigdstport', 'sport', 'sports']);
const BARE_PROTOCOL_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'icmp']);
const SELECTIVE_OPTS = new Set(['dport', 'dports', 'ctorigdstport', 'sport', 'sports', 'ports', 'ctorigdst', 'ctorigsrc', 'match-set', 'mark', 'string', 'u32', 'src-range', 'dst-range', 'mac-source']);

/** A template's placeholder or tag (Jinja, Go templates, ERB): what the rendered rule holds is unknown here. */
export const TEMPLATE = /\{\{|\{%|<%/;

export interface PortOption {
  module: string;
  o: RuleOption;
  set?: PortSet;
}

export interface RuleFacts {
  /** Canonical condition strings (`p:tcp`, `s:10.0.0.0/8`, `m:tcp:dport=80`), sorted. */
  conds: string[];
  /**
   * The most selective condition (of those equally selective, the first in sorted order: rules with the same
   * conditions have the same keyCond). A shadowing candidate is indexed under it, and duplicates are looked for among
   * the rules that share it (./order.ts).
   */
  keyCond: string;
  dports: readonly PortOption[];
  /** --dport/--dports/--ctorigdstport options (destination ports as the client asked, or after DNAT). */
  dstPorts: readonly PortOption[];
  /** Has a --ctorigdst/--ctorigdstport/--ctorigsrc/--ctorigsrcport condition. */
  ctorig: boolean;
  /** Has a --ctstate/--state condition. */
  anyState: boolean;
  /** Accepts ESTABLISHED (not negated). */
  established: boolean;
  /** Can only match the first packet of a connection (--syn, --tcp-flags … SYN without ACK, --ctstate NEW only). */
  firstPacketOnly: boolean;
  /** Has a port condition (dport/dports/ports/ctorigdstport/sport/sports). */
  anyPort: boolean;
  /** The chain is one Docker owns (DOCKER, DOCKER-ISOLATION-*, ...). */
  dockerOwned: boolean;
  /** Looks like a rule Docker generates (DOCKER* targets, docker bridges, docker ipsets). */
  dockerLike: boolean;
  dstCidr?: Cidr;
  /** Container egress (-i <docker bridge>) or traffic leaving through a non-Docker interface. */
  egress: boolean;
  terminal: boolean;
  /** Rate/limit-style matches: the rule does not always match the same packets. */
  stateful: boolean;
  /** Some argument is a shell variable (`$X`, `${X}`) or the rule holds a template placeholder: what it matches is unknown. */
  variable: boolean;
  /** Text before the command token (`iptables `, `sudo iptables -t filter `, or ''). */
  prefix: string;
  /** Column span of the command token (-A/-I/...), -1 when not found. */
  opStart: number;
  opEnd: number;
  /** How the line is written: a command line (`iptables ...`), iptables-save text inside a `*table` section, or -S text. */
  format: LineResult['format'];
  /** The rule's text names a Swarm port (2377, 7946, 4789), ESP or docker_gwbridge. */
  mentionsSwarm: boolean;
}

/** Where the rules of a lint run find their facts (a Map, or the engine's per-rule cache). */
export interface FactsOf {
  get(rule: Rule): RuleFacts | undefined;
}

export function protoName(v: string): string {
  const l = v.toLowerCase();
  return own(PROTOCOL_NUMBERS, l) ?? l;
}

export function ruleOptions(rule: Rule): { module: string; o: RuleOption }[] {
  const out: { module: string; o: RuleOption }[] = [];
  for (const m of rule.matches) for (const o of m.options) out.push({ module: m.module, o });
  return out;
}

export function isDockerOwnedChain(chain: string): boolean {
  return DOCKER_OWNED.test(chain);
}

function states(o: RuleOption): string[] {
  return (o.args[0] ?? '').toUpperCase().split(',');
}

/** The option keeps only first packets of a connection (its complement never has one). */
function firstPacketOption(o: RuleOption): boolean {
  if (o.negated) return false;
  if (o.name === 'syn') return true;
  if (o.name === 'tcp-flags') {
    const set = (o.args[1] ?? '').split(',');
    const mask = (o.args[0] ?? '').split(',');
    const inMask = (f: string): boolean => mask.includes(f) || mask.includes('ALL');
    return set.includes('SYN') && inMask('ACK') && !set.includes('ACK');
  }
  if (o.name === 'ctstate' || o.name === 'state') return states(o).every((s) => s === 'NEW' || s === 'INVALID' || s === 'UNTRACKED');
  return false;
}

const NO_PORTS: readonly PortOption[] = [];

const ANY_ADDRESS = /^0\.0\.0\.0\/(0|0\.0\.0\.0)$/;
/** A Swarm port or Docker's gateway bridge named anywhere in the rule's text. */
const SWARM_WORDS = /\b(2377|7946|4789)\b|docker_gwbridge/i;

/**
 * A rule's canonical conditions, kept in sorted order (UTF-16 code units, as Array.prototype.sort() orders them) as
 * they are found, and the most selective one (of the highest score, the first in that order). The sorted insert stands in for a
 * sort per rule: V8's sort allocates its work state on every call, 4 MB per lint of the 5,000-rule bench (its young
 * generation then fills in two lints instead of three); test/unit/lint-facts-order.test.ts checks that the list equals
 * the conditions sorted.
 */
class Conditions {
  readonly list: string[] = [];
  key = '';
  private best = -1;

  add(cond: string, score: number): void {
    // (moved down into place: `splice` allocates the array of removed items on every call)
    const list = this.list;
    let at = list.length;
    list.push(cond);
    for (; at > 0 && list[at - 1] > cond; at--) list[at] = list[at - 1];
    list[at] = cond;
    if (score > this.best || (score === this.best && cond < this.key)) {
      this.best = score;
      this.key = cond;
    }
  }
}

/** `-s`/`-d` as a condition: the address normalised, scored by its prefix length (longer: more selective). */
function addressCond(kind: 's' | 'd', b: BaseMatch | undefined, out: Conditions): void {
  // `-s 0.0.0.0/0` matches every address: no condition (a catch-all `-s 0.0.0.0/0 -d 0.0.0.0/0 -j RETURN`, holdout 27)
  if (!b || (!b.negated && ANY_ADDRESS.test(b.value))) return;
  const v = normalizeAddress(b.value);
  const slash = v.lastIndexOf('/');
  out.add(`${kind}:${b.negated ? '!' : ''}${v}`, 100 + (slash < 0 ? 32 : Number(v.slice(slash + 1)) || 0));
}

/** Canonical condition strings of the base matches, each with a selectivity score. */
function baseConds(rule: Rule, out: Conditions): void {
  const p = rule.protocol;
  if (p) {
    const pn = protoName(p.value);
    if (pn !== 'all') out.add(`p:${p.negated ? '!' : ''}${pn}`, 10);
  }
  addressCond('s', rule.source, out);
  addressCond('d', rule.destination, out);
  const i = rule.inInterface;
  const o = rule.outInterface;
  if (i) out.add(`i:${i.negated ? '!' : ''}${i.value}`, 50);
  if (o) out.add(`o:${o.negated ? '!' : ''}${o.value}`, 50);
  if (rule.fragment) out.add(`f:${rule.fragment.negated ? '!' : ''}`, 30);
}

function hasVariable(b: BaseMatch | undefined): boolean {
  return !!b && b.value.includes('$');
}

/** A shell variable in -s, -d, -i or -o. */
function baseHasVariable(rule: Rule): boolean {
  return hasVariable(rule.source) || hasVariable(rule.destination) || hasVariable(rule.inInterface) || hasVariable(rule.outInterface);
}

const OP_TOKENS = ['--append', '--insert', '--replace', '--delete', '-A', '-I', '-R', '-D'];

/** `/\s/` for one UTF-16 code unit, without making a string of it. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/** The command token (`-A`, `--insert`, …) that ends, blanks aside, where the chain name starts. */
function opToken(text: string, chainStart: number): { start: number; end: number } | undefined {
  let end = chainStart;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  for (const token of OP_TOKENS) if (end >= token.length && text.startsWith(token, end - token.length)) return { start: end - token.length, end };
  return undefined;
}

export function computeFacts(rule: Rule, res: LineResult): RuleFacts {
  const scored = new Conditions();
  baseConds(rule, scored);
  // (most rules have no port option: they share one empty list; an empty array that is pushed to takes room for 16)
  let dports: readonly PortOption[] = NO_PORTS;
  let dstPorts: readonly PortOption[] = NO_PORTS;
  let ctorig = false;
  let anyState = false;
  let established = false;
  let firstPacketOnly = false;
  let anyPort = false;
  let stateful = false;
  let dockerSet = false;
  // (`iptables -I $rule`: a whole rule held in a variable reads as chain "$rule")
  // (a template's placeholders too: `--dport {{ item.port }}` in a Jinja loop is a different rule per item, holdout 51)
  let variable = TEMPLATE.test(rule.text) || rule.chain.includes('$') || !!rule.target?.name.includes('$') || baseHasVariable(rule);
  for (const m of rule.matches) {
    if (STATEFUL.has(m.module)) stateful = true;
    if (m.options.length === 0 && m.module !== 'comment' && !m.implicit && !BARE_PROTOCOL_MODULES.has(m.module)) scored.add(`m:${m.module}`, 30);
    for (const o of m.options) {
      const a0 = o.args[0] ?? '';
      for (const a of o.args) if (a.includes('$')) variable = true;
      if (o.name === 'dport' || o.name === 'dports' || o.name === 'ctorigdstport') {
        const po = { module: m.module, o, set: parsePorts(a0) };
        dstPorts = [...dstPorts, po];
        if (o.name !== 'ctorigdstport') dports = [...dports, po];
      }
      if (o.name.startsWith('ctorig')) ctorig = true;
      if (o.name === 'ctstate' || o.name === 'state') {
        anyState = true;
        if (!o.negated && states(o).includes('ESTABLISHED')) established = true;
      }
      if (firstPacketOption(o)) firstPacketOnly = true;
      if (o.name === 'match-set' && a0.startsWith('docker-')) dockerSet = true;
      if (PORT_OPTS.has(o.name)) anyPort = true;
      if (m.module === 'comment') continue;
      scored.add(`m:${m.module}:${o.negated ? '!' : ''}${o.name}=${o.args.join(' ')}`, SELECTIVE_OPTS.has(o.name) ? 120 : 30);
    }
  }
  const conds = scored.list.slice();
  const t = rule.target;
  const chainStart = res.chainSpan && res.chainSpan.line === rule.line ? res.chainSpan.start : -1;
  const op = chainStart > 0 ? opToken(rule.text, chainStart) : undefined;
  const inI = rule.inInterface;
  const outI = rule.outInterface;
  // (a wildcard over Docker's bridges too: `-i docker+`, `-o br-+`)
  const inDocker = inI !== undefined && isDockerBridge(inI.value);
  const outDocker = outI !== undefined && isDockerBridge(outI.value);
  return {
    conds,
    keyCond: scored.key,
    dports,
    dstPorts,
    ctorig,
    anyState,
    established,
    firstPacketOnly,
    anyPort,
    dockerOwned: isDockerOwnedChain(rule.chain),
    dockerLike: (t !== undefined && t.name.startsWith('DOCKER')) || inDocker || outDocker || dockerSet,
    dstCidr: rule.destination ? parseCidr(rule.destination.value) : undefined,
    egress: !!((inI && !inI.negated && inDocker) || (outI && !outI.negated && !outDocker)),
    terminal: !!t && (t.goto || TERMINAL.has(t.name)),
    stateful,
    variable,
    // the text before the command token, from where this iptables call starts (`a || sudo iptables -I …`)
    prefix: op ? rule.text.slice(rule.span.line === rule.line && rule.span.start <= op.start ? rule.span.start : 0, op.start) : '',
    opStart: op?.start ?? -1,
    opEnd: op?.end ?? -1,
    format: res.format,
    mentionsSwarm: SWARM_WORDS.test(rule.text) || isEsp(rule),
  };
}

/**
 * The rule's conditions and target as one string: rules with equal keys are duplicates. Made when asked (most rules
 * of a large file share their most selective condition with no other rule, and need no key).
 */
export function fullKey(rule: Rule, f: RuleFacts): string {
  const t = rule.target;
  let targetKey = t ? `${t.goto ? 'g' : 'j'}:${t.name} ` : '-';
  for (const o of t?.options ?? []) targetKey += `${o.negated ? '!' : ''}${o.name}=${o.args.join(' ')} `;
  return `${f.conds.join('\n')}\n${targetKey}`;
}

/** `-p esp`, `-p 50`, `--protocol esp` (any spelling iptables takes): Swarm's encrypted overlays. */
export function isEsp(rule: Rule): boolean {
  return !!rule.protocol && !rule.protocol.negated && protoName(rule.protocol.value) === 'esp';
}

export function isUnconditional(f: RuleFacts): boolean {
  return f.conds.length === 0;
}
