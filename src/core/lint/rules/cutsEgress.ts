/**
 * docker-user/cuts-egress: a DROP/REJECT in DOCKER-USER without interface or address condition also takes the
 * containers' own connections. Without a port condition it takes all of them (warning); bound to ports, it takes the
 * containers' connections to those ports on other hosts: a warning when that is DNS, HTTP or HTTPS (every container
 * needs them: package installs, APIs, certificate renewals), otherwise a consequence worth explaining, not always a
 * mistake (info).
 */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Flow } from '../flows';
import { isHostname, parsePorts, portIn } from '../net';
import { egressFlows, egressToPort, externalInterfaces, hasVariable, passesAllFrom, walkChain } from '../flows';
import { isDockerBridge, protoName, ruleOptions } from '../facts';
import type { Pass } from '../pass';
import { aboutSwarm, add, assumedBase, isMine } from '../pass';

const DEST_PORT = new Set(['dport', 'dports', 'destination-port', 'destination-ports']);

/** The first destination port a rule names (`--dport 5432`, `--dports 80,443`, `--dport 2201:2299`), if it names one. */
export function firstDestPort(rule: Rule): number | undefined | 'unknown' {
  const o = ruleOptions(rule).find(({ o }) => DEST_PORT.has(o.name))?.o;
  if (!o) return undefined;
  const m = /^(\d+)/.exec(o.args[0] ?? '');
  return o.negated || !m ? 'unknown' : Number(m[1]);
}

/** The first flow this rule decides when the other candidate deny rules are left out (scripts add one per if-branch). */
function decidedFlow(p: Pass, rule: Rule, others: Rule[], flows: Flow[], sets: Rule[] = []): Flow | undefined {
  const skip = new Set([...assumedBase(p), ...others.filter((c) => c !== rule), ...sets.filter((c) => c !== rule), ...namedSources(p)]);
  return flows.find((fl) => {
    const d = walkChain(p.ruleset, 'DOCKER-USER', fl.pkt, 'FORWARD', skip);
    return !d.unknown && d.rule === rule;
  });
}

/**
 * DOCKER-USER rules whose source is a host name (`-s x.x.x.x`, `-s office.example.com`: iptables resolves it when the
 * rule is added): the evaluator cannot say whom they match, but a named host is not one of the containers, so for
 * the question "does this deny take the containers' own connections" they are left out (holdouts 17 and 19).
 */
function namedSources(p: Pass): Rule[] {
  const rules = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER')?.rules ?? [];
  return rules.filter((r) => r.source && !r.source.negated && r.source.value.split(',').every((a) => isHostname(a)));
}

/**
 * Rules matching a source ipset (`-m set --match-set whitelist src`): the evaluator cannot know the set, and the sets
 * people write (allowed clients, Cloudflare, blocklists) hold outside addresses, not their containers'. For the
 * question "does this deny take the containers' own connections" they are left out, and the message says so.
 */
function sourceSetRules(rules: Rule[]): Rule[] {
  return rules.filter((r) => ruleOptions(r).some(({ o }) => o.name === 'match-set' && !o.negated && (o.args[1] ?? '').split(',')[0] === 'src'));
}

/** ` (only `! -s 192.168.0.0/24`, which the containers' addresses match too)` for a rule whose address is negated. */
function negatedAddress(rule: Rule): string {
  const b = rule.source ?? rule.destination;
  return b ? ` (only \`! ${rule.source ? '-s' : '-d'} ${b.value}\`, which the containers' own addresses match too)` : '';
}

/**
 * The chain accepts some of the containers' own connections before the deny, chosen by port or protocol
 * (`-i br+ -p tcp -m multiport --dports 80,443 -j ACCEPT`): the author wrote an egress allow list on purpose.
 */
function egressAllowList(p: Pass, rules: Rule[], deny: Rule, beyondDns = false): boolean {
  return rules.some((r) => (r.index ?? 0) < (deny.index ?? 0) && isMine(p, r) && (r.target?.name === 'ACCEPT' || r.target?.name === 'RETURN')
    && !!r.inInterface && !r.inInterface.negated && isDockerBridge(r.inInterface.value) && (!!r.protocol || r.matches.length > 0)
    && !(beyondDns && firstDestPort(r) === 53));
}

/**
 * The bridges whose every packet the chain lets through above the deny, when they are a Docker bridge and a bridge of
 * a name of its own (`-i docker0 -j RETURN`, `-i hassio -j RETURN` on Home Assistant OS, holdout 46): the author lists
 * the host's container networks by name, so unnamed `br-…` networks are unlikely there. A Docker bridge alone (docker0:
 * Compose projects' `br-…` networks are cut) or Docker's names alone (docker0 and br-+, on a Swarm host without
 * docker_gwbridge) say nothing of the kind: empty.
 */
function bridgesPassedAbove(rules: Rule[], deny: Rule): string[] {
  const above = rules.filter((r) => (r.index ?? 0) < (deny.index ?? 0)).map(passesAllFrom);
  const passed = above.filter((x): x is string => x !== undefined && x !== 'lo');
  return passed.some(isDockerBridge) && passed.some((x) => !isDockerBridge(x)) ? passed : [];
}

/** Ports nearly every container connects to on other hosts. */
const CLIENT_PORTS = [
  { proto: 'udp', port: 53, what: 'DNS' },
  { proto: 'tcp', port: 53, what: 'DNS' },
  { proto: 'tcp', port: 80, what: 'HTTP' },
  { proto: 'tcp', port: 443, what: 'HTTPS' },
];

/** The rule's destination ports may hold the port (a port written as a shell variable may hold any). */
function mayName(rule: Rule, port: number): boolean {
  const o = ruleOptions(rule).find(({ o }) => DEST_PORT.has(o.name))?.o;
  const set = o && !o.negated && !o.args[0]?.includes('$') ? parsePorts(o.args[0] ?? '') : undefined;
  return !set || portIn(set, port);
}

/** The container egress to DNS/HTTP/HTTPS that this port-bound deny decides, if any. */
function cutClientPort(p: Pass, rule: Rule, others: Rule[], ext: string[], swarm: boolean): { flow: Flow; what: string } | undefined {
  for (const c of CLIENT_PORTS) {
    if (!mayName(rule, c.port)) continue;
    const flow = decidedFlow(p, rule, others, egressToPort(ext, c.proto, c.port, swarm));
    if (flow) return { flow, what: c.what };
  }
  return undefined;
}

/**
 * `-I DOCKER-USER -i docker0 -j DROP` (holdout 27: meant to keep containers off the host): a deny of everything a
 * Docker bridge sends takes every connection its containers open to the outside. Traffic from a container to the
 * host itself passes INPUT, never DOCKER-USER. Only the plain form (no address, port or match) is judged; a warning for
 * the default bridge or all bridges, an info for one user network's bridge or after an egress allow list.
 */
function bridgeDenies(p: Pass, rules: Rule[], plain: Rule[], ext: string[], standard: Flow[]): void {
  for (const rule of plain) {
    const flow = decidedFlow(p, rule, plain, standard);
    if (!flow) continue;
    // one user network's bridge (`-i br-3f2a…`) cut off on purpose is a common isolation: said, not flagged
    // (accepting DNS alone leaves the containers no connection to make: no allow list)
    const allowList = egressAllowList(p, rules, rule, true) || !/^(?:docker0|docker\+|br-\+)$/.test(rule.inInterface?.value ?? '');
    add(p, 'docker-user/cuts-egress', allowList ? 'info' : 'warning',
      `This ${rule.target?.name ?? 'DROP'} takes everything the containers on ${rule.inInterface?.value} send${allowList ? ' (and is not accepted above it)' : ''}: every connection they open to the outside, e.g. ${flow.name}. Traffic from a container to the host itself passes INPUT, not DOCKER-USER.${allowList ? ' Fine if cutting them off is the intent.' : ' To keep containers off the host, filter in INPUT (-i ' + (rule.inInterface?.value ?? 'docker0') + '); to isolate them from the outside, say so with -o ' + ext[0] + '.'}`,
      rule.span);
  }
}

/** `-j DROP` / `-j REJECT`. */
function isDeny(r: Rule): boolean {
  return r.target?.name === 'DROP' || r.target?.name === 'REJECT';
}

/** A deny of everything a Docker bridge sends, in the plain form (`-i docker0 -j DROP`: no address, port or match). */
function plainBridgeDeny(r: Rule): boolean {
  return isDeny(r) && !!r.inInterface && !r.inInterface.negated && isDockerBridge(r.inInterface.value)
    && !r.outInterface && !r.source && !r.destination && !r.protocol && !r.matches.length;
}

/** A deny with no interface and no address condition (a negated address, `! -s 192.168.0.0/24`, moby#34197, matches the containers' own addresses too). */
function unboundDeny(r: Rule): boolean {
  return isDeny(r) && !r.inInterface && !r.outInterface && (!r.source || r.source.negated) && (!r.destination || r.destination.negated);
}

/** What the judgment of each unbound deny needs: the chain, the other denies, the external interfaces, the standard egress flows. */
interface Judging {
  chain: Rule[];
  candidates: Rule[];
  ext: string[];
  swarm: boolean;
  standard: Flow[];
  sets: Rule[];
}

/** An unbound deny without a (literal) port: which of the containers' connections it takes, and how it is said. */
function judgePortless(p: Pass, rule: Rule, j: Judging): void {
  const verb = rule.target?.name ?? 'DROP';
  let flow = decidedFlow(p, rule, j.candidates, j.standard);
  let assumed = '';
  if (!flow && j.sets.length) {
    flow = decidedFlow(p, rule, j.candidates, j.standard, j.sets);
    assumed = ` (assuming ${[...new Set(j.sets.map((r) => ruleOptions(r).find(({ o }) => o.name === 'match-set')?.o.args[0]))].join(', ')} hold${j.sets.length > 1 ? '' : 's'} outside addresses, not your containers')`;
  }
  if (!flow) return;
  const passed = bridgesPassedAbove(j.chain, rule);
  if (passed.length) {
    add(p, 'docker-user/cuts-egress', 'info',
      `The chain lets everything ${passed.join(' and ')} sends through above this ${verb}, so it takes only the connections that containers on other networks open to the outside, e.g. ${flow.name}. Fine if ${passed.join(' and ')} ${passed.length > 1 ? 'carry' : 'carries'} all the containers of this host.`,
      rule.span);
    return;
  }
  if (egressAllowList(p, j.chain, rule)) {
    add(p, 'docker-user/cuts-egress', 'info',
      `This ${verb} ends an egress allow list: the containers' connections not accepted above it are dropped, e.g. ${flow.name}. Fine if that is the intent; a container that needs another port (a database, SMTP, NTP) fails silently.`,
      rule.span);
    return;
  }
  add(p, 'docker-user/cuts-egress', 'warning',
    `This ${verb} has no interface or address condition${negatedAddress(rule)}: besides incoming traffic it takes every connection your containers open to the outside${p.facts.get(rule)?.firstPacketOnly ? '' : ' (and its replies)'}, e.g. ${flow.name}${assumed}. Limit it to the external interface (-i ${j.ext[0]}) and accept RELATED,ESTABLISHED before it.`,
    rule.span);
}

/** An unbound deny of a port: a warning when it takes the containers' DNS/HTTP/HTTPS, an info for another port. */
function judgePortBound(p: Pass, rule: Rule, port: number | 'unknown', j: Judging): void {
  const verb = rule.target?.name ?? 'DROP';
  const proto = rule.protocol && !rule.protocol.negated ? protoName(rule.protocol.value) : 'tcp';
  const named = ruleOptions(rule).find(({ o }) => DEST_PORT.has(o.name))?.o.args[0] ?? String(port);
  const ports = /^\d+$/.test(named) ? `port ${named}` : `ports ${named}`;
  const client = cutClientPort(p, rule, j.candidates, j.ext, j.swarm);
  if (client) {
    add(p, 'docker-user/cuts-egress', 'warning',
      `This ${verb} of ${ports} has no interface condition: besides incoming traffic it takes your containers' own ${client.what} connections to other hosts (e.g. ${client.flow.name}), so package installs, API calls and certificate renewals fail. If only incoming traffic is meant, limit it to the external interface (-i ${j.ext[0]}).`,
      rule.span);
    return;
  }
  if (port === 'unknown') return;
  const flow = decidedFlow(p, rule, j.candidates, egressToPort(j.ext, proto, port, j.swarm));
  if (!flow) return;
  add(p, 'docker-user/cuts-egress', 'info',
    `Besides incoming traffic to ${ports}, this ${verb} (no interface condition) also takes your containers' own connections to ${ports} on other hosts, e.g. ${flow.name}. If only incoming traffic is meant, limit it to the external interface (-i ${j.ext[0]}).`,
    rule.span);
}

export const cutsEgress: LintRule = {
  code: 'docker-user/cuts-egress',
  severity: 'warning',
  description: 'A DROP/REJECT in DOCKER-USER with no interface or address condition: it also takes the containers\' own outgoing connections (all of them, or those to the ports it names).',
  docs: 'DOCKER-USER sees container traffic in both directions: outgoing connections from containers (`-i docker0`/`docker_gwbridge`/`br-…`) as well as incoming published-port traffic. A default deny such as `-A DOCKER-USER -j DROP` after a few port ACCEPTs meant for incoming traffic also drops every connection a container opens (package updates, DNS, APIs): a warning. A deny bound to a port without an interface also drops the containers\' connections to that port on other hosts: on DNS (53), HTTP (80) or HTTPS (443) that breaks nearly every container (package installs, APIs, ACME certificate renewals), a warning; on another port (`-p tcp --dport 5432 -j DROP`: a container using a remote PostgreSQL) it may be intended, an info. Restrict the deny to the external interface (`-i eth0`) and accept RELATED,ESTABLISHED first.',
  appliesTo: (rule) => rule.chain === 'DOCKER-USER' && rule.table === 'filter' && (unboundDeny(rule) || plainBridgeDeny(rule)),
  check(p, rules) {
    if (p.noInterfaces) return; // -nL without -v: interface conditions unknown
    const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
    if (!du) return;
    // the user's lines that are in the chain (not deleted, not refused), in the chain's order
    const mine = rules.map((d) => d.rule).filter((r) => du.rules[r.index ?? -1] === r && isMine(p, r)).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (!mine.length) return;
    const ext = externalInterfaces(du.rules);
    const swarm = aboutSwarm(p);
    const standard = egressFlows(ext, swarm).filter((f) => f.pkt.ct.dir !== 'REPLY');
    bridgeDenies(p, du.rules, mine.filter(plainBridgeDeny), ext, standard);
    const candidates = mine.filter(unboundDeny);
    if (!candidates.length) return;
    const j: Judging = { chain: du.rules, candidates, ext, swarm, standard, sets: sourceSetRules(du.rules) };
    for (const rule of candidates) {
      const port = firstDestPort(rule);
      // a port that is a shell variable with literal values (`for port in 80 443`) is judged like a port
      if (port === undefined || (port === 'unknown' && !hasVariable(rule))) judgePortless(p, rule, j);
      else judgePortBound(p, rule, port, j);
    }
  },
};
