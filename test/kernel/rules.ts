/**
 * Seeded DOCKER-USER rule sets: random rules biased towards the case's flow (so that they match often enough to
 * matter), plus templates after real published policies, with the test bed's addresses:
 * - Docker's documentation "Packet filtering and firewalls" (docs.docker.com/engine/network/packet-filtering-firewalls):
 *   `-i ext_if ! -s 192.0.2.2 -j DROP`, `-m iprange -i ext_if ! --src-range 192.0.2.1-192.0.2.3 -j DROP`,
 *   `-p tcp -m conntrack --ctorigdst 198.51.100.2 --ctorigdstport 80 -j ACCEPT`, established first;
 * - ufw-docker (github.com/chaifeng/ufw-docker README, after.rules): a jump to ufw-user-forward, RETURNs for private
 *   sources and DNS replies, then `ufw-docker-logging-deny` (limit + LOG, DROP) for new connections to private ranges.
 */
import type { Rng } from '../prng';
import { pick, type Flow } from './flows';

export interface UserChain {
  name: string;
  rules: string[];
}

/** DOCKER-USER (first) and the user's own chains, each as rule specs (what follows `-A <chain> `). */
export interface UserRules {
  chains: UserChain[];
  /** Match modules / targets used, for the coverage figures. */
  features: Set<string>;
  template?: string;
}

export const USER_SETS = ['tk-allow', 'tk-nets', 'tk-list'];

/** The user's ipsets, created once in the router (ipset restore format). */
export function userIpsets(): string[] {
  return [
    'create tk-allow hash:ip family inet',
    ...['198.18.100.3', '203.0.113.5', '198.18.101.2', '172.17.0.2'].map((a) => `add tk-allow ${a}`),
    'create tk-nets hash:net family inet',
    ...['203.0.113.0/28', '172.18.16.0/20', '198.18.101.0/25'].map((a) => `add tk-nets ${a}`),
    'create tk-svc hash:ip,port family inet',
    ...['172.17.0.2,tcp:80', '172.18.16.2,tcp:443', '172.18.0.2,udp:9000', '203.0.113.5,tcp:443', '198.18.100.9,udp:53'].map((a) => `add tk-svc ${a}`),
    'create tk-list list:set',
    'add tk-list tk-allow',
    'add tk-list tk-nets',
  ];
}

const IFACES = ['eth0', 'eth1', 'eth+', 'docker0', 'docker_gwbridge', 'br-+', 'br-a1b2c3d4e5f6', 'br-0f1e2d3c4b5a', 'docker+'];
const NETS = ['198.18.100.0/24', '203.0.113.0/24', '198.18.101.0/24', '172.17.0.0/16', '172.18.0.0/16', '172.18.16.0/20', '172.16.0.0/12', '10.0.0.0/8', '192.168.0.0/16', '203.0.113.4/30', '198.18.100.3', '203.0.113.9', '172.17.0.3', '172.18.32.2'];
const PORTS = [22, 53, 80, 443, 5432, 8000, 8080, 8443, 9000, 5353, 3306];
const CTSTATES = ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'NEW,ESTABLISHED', 'DNAT', 'SNAT', 'NEW,RELATED'];

const not = (rng: Rng, p: number): string => (rng() < p ? '! ' : '');

function relevantAddr(rng: Rng, f: Flow): string {
  const ip = pick(rng, [f.src, f.fwdDst, f.dst]);
  const r = rng();
  if (r < 0.5) return ip;
  const o = ip.split('.');
  return r < 0.8 ? `${o[0]}.${o[1]}.${o[2]}.0/24` : `${o[0]}.${o[1]}.0.0/16`;
}

/** /etc/services names (Debian netbase) iptables resolves when the rule is added, per protocol. */
const SERVICES: Record<string, Record<number, string>> = {
  tcp: { 22: 'ssh', 53: 'domain', 80: 'http', 443: 'https', 5432: 'postgresql' },
  udp: { 53: 'domain', 443: 'https' },
};

function port(rng: Rng, f: Flow, proto: string): string {
  const r = rng();
  const p = r < 0.45 ? pick(rng, [f.fwdDport, f.dport, f.fwdDport]) : r < 0.62 ? undefined : pick(rng, PORTS);
  if (p === undefined) return pick(rng, ['1024:65535', '0:1023', '8000:9000', '20000:60000', '1024:', ':1023']);
  const name = SERVICES[proto]?.[p];
  return rng() < 0.15 && name ? name : String(p);
}

function ifaceMatch(rng: Rng, f: Flow, dir: 'i' | 'o'): string {
  const own = dir === 'i' ? f.inIf : f.outIf;
  const other = dir === 'i' ? f.outIf : f.inIf;
  const r = rng();
  const name = r < 0.35 ? own : r < 0.5 ? other : r < 0.6 ? own.replace(/[0-9a-f]+$|_gwbridge$/, '+') : pick(rng, IFACES);
  return `${not(rng, 0.15)}-${dir} ${name}`;
}

/** One rule's matches (iptables option words), with the features it used. */
function genMatches(rng: Rng, f: Flow, feats: Set<string>, file: boolean): string[] {
  const m: string[] = [];
  const proto = rng() < 0.55 ? (rng() < 0.8 ? f.proto : f.proto === 'tcp' ? 'udp' : 'tcp') : undefined;
  if (file && rng() < 0.06) {
    // iptables turns an address list into one rule per address when the rule is added
    m.push(`-s ${[...new Set([f.src, pick(rng, ['198.18.100.3', '203.0.113.5', '172.17.0.2'])])].join(',')}`);
    feats.add('address-list');
  } else if (rng() < 0.3) m.push(`${not(rng, 0.15)}-s ${rng() < 0.6 ? relevantAddr(rng, f) : pick(rng, NETS)}`);
  // iptables refuses `! -d` beside an address list
  const list = m.some((x) => x.includes(','));
  if (rng() < 0.25) m.push(`${list ? '' : not(rng, 0.15)}-d ${rng() < 0.6 ? relevantAddr(rng, f) : pick(rng, NETS)}`);
  if (rng() < 0.3) { m.push(ifaceMatch(rng, f, 'i')); feats.add('iface'); }
  if (rng() < 0.2) { m.push(ifaceMatch(rng, f, 'o')); feats.add('iface'); }
  if (m.some((x) => x.startsWith('! '))) feats.add('negation');
  if (m.some((x) => x.endsWith('+'))) feats.add('iface-wildcard');
  if (!proto && rng() < 0.06) { m.push(pick(rng, ['! -p udp', '! -p tcp', '-p all'])); feats.add('protocol-spelling'); }
  if (proto) {
    const numeric = rng() < 0.08;
    if (numeric) feats.add('protocol-spelling');
    m.push(`-p ${numeric ? (proto === 'tcp' ? '6' : '17') : proto}`);
    const explicit = numeric || rng() < 0.6 ? [`-m ${proto}`] : [];
    const ports: string[] = [];
    if (rng() < 0.45) ports.push(`${not(rng, 0.1)}--dport ${port(rng, f, proto)}`);
    if (rng() < 0.15) ports.push(`--sport ${rng() < 0.5 ? String(pick(rng, [f.dport, f.fwdDport])) : port(rng, f, proto)}`);
    if (proto === 'tcp' && rng() < 0.1) { ports.push(pick(rng, ['--syn', '! --syn', '--tcp-flags SYN,ACK SYN', '--tcp-flags FIN,SYN,RST,ACK SYN', '--tcp-flags SYN SYN', '--tcp-flags ACK ACK', '--tcp-flags SYN,ACK SYN,ACK', '! --tcp-flags RST RST'])); feats.add('tcp-flags'); }
    if (ports.length) m.push(...explicit, ...ports);
    if (rng() < 0.15) {
      // multiport takes no open ranges (`1024:`): iptables refuses them there
      const list = [...new Set([port(rng, f, proto), port(rng, f, proto), String(pick(rng, PORTS))].map((p) => p.replace(/^:/, '0:').replace(/:$/, ':65535')))].join(',');
      m.push('-m multiport', `${not(rng, 0.1)}${pick(rng, ['--dports', '--dports', '--sports', '--ports'])} ${list}`);
      feats.add('multiport');
    }
  }
  if (rng() < 0.1) {
    const ip = pick(rng, [f.src, f.fwdDst]).split('.');
    const lo = Math.max(1, Number(ip[3]) - Math.floor(rng() * 3));
    const range = `${ip[0]}.${ip[1]}.${ip[2]}.${lo}-${ip[0]}.${ip[1]}.${ip[2]}.${lo + Math.floor(rng() * 4)}`;
    m.push('-m iprange', `${not(rng, 0.3)}${rng() < 0.6 ? '--src-range' : '--dst-range'} ${range}`);
    feats.add('iprange');
  }
  if (rng() < 0.3) {
    const parts = [`${not(rng, 0.1)}--ctstate ${pick(rng, CTSTATES)}`];
    if (rng() < 0.2) parts.push(`--ctorigdst ${pick(rng, [f.dst, f.fwdDst, '198.18.100.1'])}`);
    if (rng() < 0.2) parts.push(`--ctorigdstport ${pick(rng, [f.dport, f.fwdDport, 8080])}`);
    if (rng() < 0.15) parts.push(`--ctdir ${pick(rng, ['ORIGINAL', 'REPLY'])}`);
    if (rng() < 0.12) parts.push(`${not(rng, 0.2)}--ctstatus ${pick(rng, ['NONE', 'EXPECTED', 'CONFIRMED', 'SEEN_REPLY', 'ASSURED', 'SEEN_REPLY,ASSURED'])}`);
    if (rng() < 0.08) parts.push(`--ctorigsrc ${pick(rng, [f.src, f.fwdDst, '198.18.100.0/24'])}`);
    if (rng() < 0.08) parts.push(`--ctreplsrc ${pick(rng, [f.fwdDst, f.dst, f.src])}`);
    if (rng() < 0.05) parts.push(`--ctorigsrcport ${pick(rng, [f.sport, 80])}`);
    m.push('-m conntrack', ...(rng() < 0.7 ? parts : parts.slice(1).length ? parts.slice(1) : parts));
    feats.add('conntrack');
  } else if (rng() < 0.05) {
    m.push('-m state', `--state ${pick(rng, ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED'])}`);
    feats.add('state');
  }
  if (rng() < 0.15) {
    const multi = rng() < 0.3;
    m.push('-m set', multi ? `${not(rng, 0.1)}--match-set tk-svc ${pick(rng, ['dst,dst', 'src,src', 'dst,dst'])}` : `${not(rng, 0.1)}--match-set ${pick(rng, USER_SETS)} ${pick(rng, ['src', 'dst'])}`);
    feats.add(multi ? 'ipset-2d' : 'ipset');
  }
  if (rng() < 0.04) { m.push('-m mark', `--mark 0x${pick(rng, ['1', '2'])}`); feats.add('mark'); }
  if (rng() < 0.03) { m.push('-m addrtype', `--${pick(rng, ['dst', 'src'])}-type ${pick(rng, ['LOCAL', 'UNICAST'])}`); feats.add('addrtype'); }
  if (rng() < 0.03) { m.push('-m policy', pick(rng, ['--dir in --pol none', '--dir in --pol ipsec', '--dir out --pol none'])); feats.add('policy'); }
  if (rng() < 0.02) { m.push('-m pkttype', `--pkt-type ${pick(rng, ['unicast', 'broadcast'])}`); feats.add('pkttype'); }
  if (rng() < 0.03) {
    const d = m.findIndex((x) => /^-d \d+\.\d+\.\d+\.0\/(16|24)$/.test(x));
    if (d >= 0) { m[d] = m[d].replace(/\/16$/, '/255.255.0.0').replace(/\/24$/, '/255.255.255.0'); feats.add('dotted-mask'); }
  }
  if (rng() < 0.08) { m.push('-m comment', `--comment "${pick(rng, ['allow web', 'block-ext', 'swarmnet kernel test'])}"`); feats.add('comment'); }
  // Random draws only on a connection's first packet: the answer's fate stays decidable (the tracer's answer check
  // does not report may-match), the first packet's path is where the explained list is exercised.
  if (rng() < 0.015) { m.push('-m conntrack --ctstate NEW', '-m statistic', '--mode random --probability 0.5'); feats.add('statistic'); }
  return m;
}

function genTarget(rng: Rng, m: string[], later: string[], feats: Set<string>): string {
  const r = rng();
  const tcp = m.includes('-p tcp');
  if (r < 0.2) return '-j ACCEPT';
  if (r < 0.4) return '-j DROP';
  if (r < 0.5) {
    feats.add('REJECT');
    return tcp && rng() < 0.5 ? '-j REJECT --reject-with tcp-reset' : rng() < 0.5 ? '-j REJECT' : '-j REJECT --reject-with icmp-host-prohibited';
  }
  if (r < 0.62) return (feats.add('RETURN'), '-j RETURN');
  if (r < 0.7) return (feats.add('LOG'), `-j LOG --log-prefix "${pick(rng, ['DOCKER-USER: ', '[blocked] '])}"`);
  if (r < 0.73) return (feats.add('MARK'), `-j MARK --set-xmark 0x${pick(rng, ['1', '2'])}/0xffffffff`);
  if (r < 0.76) return (feats.add('counting'), '');
  if (later.length === 0) return '-j DROP';
  if (r < 0.92) return (feats.add('jump'), `-j ${pick(rng, later)}`);
  return (feats.add('goto'), `-g ${pick(rng, later)}`);
}

const CHAIN_NAMES = ['ALLOW-WEB', 'ufw-user-forward', 'FILTERS', 'LOG-AND-DROP'];

function genRandom(rng: Rng, f: Flow, file: boolean): UserRules {
  const feats = new Set<string>();
  const nChains = rng() < 0.45 ? 0 : 1 + Math.floor(rng() * 3);
  const names = ['DOCKER-USER', ...CHAIN_NAMES.slice(0, nChains)];
  const chains = names.map((name, i): UserChain => {
    const n = i === 0 ? Math.floor(rng() * 7) : 1 + Math.floor(rng() * 4);
    const later = names.slice(i + 1);
    const rules: string[] = [];
    for (let k = 0; k < n; k++) {
      const m = genMatches(rng, f, feats, file);
      const spec = [...m, genTarget(rng, m, later, feats)].filter(Boolean).join(' ');
      if (spec && !rules.includes(spec)) rules.push(spec);
    }
    // Chains nothing else reaches get a jump from DOCKER-USER, so that they run.
    return { name, rules };
  });
  for (const c of chains.slice(1)) if (!chains.some((x) => x.rules.some((r) => r.endsWith(` ${c.name}`)))) chains[0].rules.splice(Math.floor(rng() * (chains[0].rules.length + 1)), 0, `-j ${c.name}`);
  if (chains.length > 1) feats.add('user-chain');
  return { chains, features: feats };
}

function templates(rng: Rng, f: Flow): UserRules {
  const t = pick(rng, ['docs-ext-if', 'docs-iprange', 'docs-ctorig', 'ufw-docker']);
  const ext = f.inIf.startsWith('eth') ? f.inIf : 'eth0';
  if (t === 'docs-ext-if') return { template: t, features: new Set(['negation', 'iface']), chains: [{ name: 'DOCKER-USER', rules: [`-i ${ext} ! -s ${pick(rng, ['198.18.100.3/32', '203.0.113.5/32', f.src])} -j DROP`] }] };
  if (t === 'docs-iprange') return { template: t, features: new Set(['iprange', 'negation', 'iface']), chains: [{ name: 'DOCKER-USER', rules: [`-i ${ext} -m iprange ! --src-range ${pick(rng, ['198.18.100.2-198.18.100.4', '203.0.113.2-203.0.113.5'])} -j DROP`] }] };
  if (t === 'docs-ctorig') {
    return {
      template: t,
      features: new Set(['conntrack']),
      chains: [{ name: 'DOCKER-USER', rules: ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', `-p tcp -m conntrack --ctorigdst ${pick(rng, ['198.18.100.1', '203.0.113.1'])} --ctorigdstport ${pick(rng, [8080, 8443, 8000])} -j ACCEPT`, `-i ${ext} -j DROP`] }],
    };
  }
  return {
    template: t,
    features: new Set(['user-chain', 'jump', 'multiport', 'RETURN', 'LOG', 'tcp-flags', 'limit']),
    chains: [
      {
        name: 'DOCKER-USER',
        rules: [
          '-j ufw-user-forward',
          '-s 10.0.0.0/8 -j RETURN',
          '-s 172.16.0.0/12 -j RETURN',
          '-s 192.168.0.0/16 -j RETURN',
          '-p udp -m udp --sport 53 --dport 1024:65535 -j RETURN',
          '-d 192.168.0.0/16 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ufw-docker-logging-deny',
          '-d 172.16.0.0/12 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ufw-docker-logging-deny',
          '-d 172.16.0.0/12 -p udp -m udp --dport 0:32767 -j ufw-docker-logging-deny',
          '-j RETURN',
        ],
      },
      { name: 'ufw-user-forward', rules: rng() < 0.5 ? [`-d ${f.fwdDst}/32 -p ${f.proto} -m ${f.proto} --dport ${f.fwdDport} -j ACCEPT`] : [] },
      { name: 'ufw-docker-logging-deny', rules: ['-m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "', '-j DROP'] },
    ],
  };
}

/** `file`: the rules go into a what-if file (which may use syntax iptables expands when adding the rule). */
export function genUserRules(rng: Rng, f: Flow, file: boolean): UserRules {
  return rng() < 0.2 ? templates(rng, f) : genRandom(rng, f, file);
}

/** Docker never writes mangle rules on the host; users mark packets there and match the mark in DOCKER-USER. */
export function genMangle(rng: Rng, f: Flow): string[] {
  const rules = [`-A PREROUTING -i ${pick(rng, [f.inIf, 'eth1', 'eth+'])} -j MARK --set-xmark 0x${pick(rng, ['1', '2'])}/0xffffffff`];
  if (rng() < 0.5) rules.push(`-A PREROUTING -p ${f.proto} -m ${f.proto} --dport ${pick(rng, [f.dport, 8080])} -j MARK --set-xmark 0x2/0xffffffff`);
  return ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...rules, 'COMMIT'];
}
