import { isIPv4, validateAddress, validatePort, validatePorts } from '../net';

/**
 * Knowledge about iptables matches and targets: which options each module/target accepts, their long
 * canonical names (without dashes), aliases, arity and how their arguments are validated.
 * Used by ./parse.ts (all input formats) and by the linter.
 */

export type ArgKind =
  | 'any'
  | 'port' // single port or range a:b (service names allowed)
  | 'ports' // comma list of ports/ranges (multiport)
  | 'addr' // address with optional /prefix or /mask
  | 'addrrange' // a.b.c.d-e.f.g.h
  | 'mark' // value[/mask]
  | 'int'
  | 'ctstate'
  | 'state'
  | 'addrtype'
  | 'hostport' // [ip][-ip][:port[-port]] for DNAT/SNAT
  | 'portrange'; // port[-port] (MASQUERADE/REDIRECT --to-ports)

export interface OptionSpec {
  /** canonical name, without dashes */
  name: string;
  /** number of arguments */
  arity: number;
  kind: ArgKind;
  /** alternative spellings (without dashes) */
  aliases?: string[];
}

function o(name: string, arity: number, kind: ArgKind = 'any', aliases?: string[]): OptionSpec {
  return { name, arity, kind, aliases };
}

const portOpts = [o('sport', 1, 'port', ['source-port']), o('dport', 1, 'port', ['destination-port'])];

export const MATCH_SPECS: Record<string, OptionSpec[]> = {
  tcp: [...portOpts, o('tcp-flags', 2), o('syn', 0), o('tcp-option', 1, 'int')],
  udp: [...portOpts],
  udplite: [...portOpts],
  sctp: [...portOpts, o('chunk-types', 2)],
  dccp: [...portOpts],
  icmp: [o('icmp-type', 1)],
  esp: [o('espspi', 1)],
  ah: [o('ahspi', 1)],
  conntrack: [
    o('ctstate', 1, 'ctstate'),
    o('ctproto', 1),
    o('ctorigsrc', 1, 'addr'),
    o('ctorigdst', 1, 'addr'),
    o('ctreplsrc', 1, 'addr'),
    o('ctrepldst', 1, 'addr'),
    o('ctorigsrcport', 1, 'port'),
    o('ctorigdstport', 1, 'port'),
    o('ctreplsrcport', 1, 'port'),
    o('ctrepldstport', 1, 'port'),
    o('ctstatus', 1),
    o('ctexpire', 1),
    o('ctdir', 1),
  ],
  state: [o('state', 1, 'state')],
  addrtype: [o('src-type', 1, 'addrtype'), o('dst-type', 1, 'addrtype'), o('limit-iface-in', 0), o('limit-iface-out', 0)],
  ipvs: [o('ipvs', 0), o('vproto', 1), o('vaddr', 1, 'addr'), o('vport', 1, 'port'), o('vdir', 1), o('vmethod', 1), o('vportctl', 1, 'port')],
  mark: [o('mark', 1, 'mark')],
  connmark: [o('mark', 1, 'mark')],
  multiport: [o('sports', 1, 'ports', ['source-ports']), o('dports', 1, 'ports', ['destination-ports']), o('ports', 1, 'ports')],
  comment: [o('comment', 1)],
  physdev: [o('physdev-in', 1), o('physdev-out', 1), o('physdev-is-in', 0), o('physdev-is-out', 0), o('physdev-is-bridged', 0)],
  set: [o('match-set', 2), o('return-nomatch', 0), o('update-counters', 0), o('update-subcounters', 0), o('packets-eq', 1, 'int'), o('packets-lt', 1, 'int'), o('packets-gt', 1, 'int'), o('bytes-eq', 1, 'int'), o('bytes-lt', 1, 'int'), o('bytes-gt', 1, 'int')],
  policy: [o('dir', 1), o('pol', 1), o('strict', 0), o('reqid', 1), o('spi', 1), o('proto', 1), o('mode', 1), o('tunnel-src', 1, 'addr'), o('tunnel-dst', 1, 'addr'), o('next', 0)],
  iprange: [o('src-range', 1, 'addrrange'), o('dst-range', 1, 'addrrange')],
  mac: [o('mac-source', 1)],
  limit: [o('limit', 1), o('limit-burst', 1, 'int')],
  hashlimit: [
    o('hashlimit-upto', 1), o('hashlimit-above', 1), o('hashlimit-burst', 1), o('hashlimit-mode', 1),
    o('hashlimit-srcmask', 1, 'int'), o('hashlimit-dstmask', 1, 'int'), o('hashlimit-name', 1),
    o('hashlimit-htable-size', 1, 'int'), o('hashlimit-htable-max', 1, 'int'), o('hashlimit-htable-expire', 1, 'int'),
    o('hashlimit-htable-gcinterval', 1, 'int'), o('hashlimit', 1),
  ],
  connlimit: [o('connlimit-upto', 1, 'int'), o('connlimit-above', 1, 'int'), o('connlimit-mask', 1, 'int'), o('connlimit-saddr', 0), o('connlimit-daddr', 0)],
  recent: [o('name', 1), o('set', 0), o('rcheck', 0), o('update', 0), o('remove', 0), o('seconds', 1, 'int'), o('reap', 0), o('hitcount', 1, 'int'), o('rttl', 0), o('rsource', 0), o('rdest', 0), o('mask', 1)],
  string: [o('algo', 1), o('from', 1, 'int'), o('to', 1, 'int'), o('string', 1), o('hex-string', 1), o('icase', 0)],
  length: [o('length', 1)],
  pkttype: [o('pkt-type', 1)],
  owner: [o('uid-owner', 1), o('gid-owner', 1), o('socket-exists', 0), o('suppl-groups', 0)],
  tos: [o('tos', 1)],
  dscp: [o('dscp', 1), o('dscp-class', 1)],
  ttl: [o('ttl-eq', 1, 'int'), o('ttl-lt', 1, 'int'), o('ttl-gt', 1, 'int')],
  socket: [o('transparent', 0), o('nowildcard', 0), o('restore-skmark', 0)],
  rpfilter: [o('loose', 0), o('validmark', 0), o('accept-local', 0), o('invert', 0)],
  devgroup: [o('src-group', 1), o('dst-group', 1)],
  statistic: [o('mode', 1), o('probability', 1), o('every', 1, 'int'), o('packet', 1, 'int')],
  u32: [o('u32', 1)],
  bpf: [o('bytecode', 1), o('object-pinned', 1)],
  cgroup: [o('path', 1), o('cgroup', 1)],
  helper: [o('helper', 1)],
  realm: [o('realm', 1)],
  time: [o('datestart', 1), o('datestop', 1), o('timestart', 1), o('timestop', 1), o('monthdays', 1), o('weekdays', 1), o('kerneltz', 0), o('contiguous', 0)],
  tcpmss: [o('mss', 1)],
  connbytes: [o('connbytes', 1), o('connbytes-dir', 1), o('connbytes-mode', 1)],
  addrtype6: [],
};

export const TARGET_SPECS: Record<string, OptionSpec[]> = {
  ACCEPT: [],
  DROP: [],
  RETURN: [],
  QUEUE: [],
  REJECT: [o('reject-with', 1)],
  LOG: [o('log-level', 1), o('log-prefix', 1), o('log-tcp-sequence', 0), o('log-tcp-options', 0), o('log-ip-options', 0), o('log-uid', 0), o('log-macdecode', 0)],
  NFLOG: [o('nflog-group', 1, 'int'), o('nflog-prefix', 1), o('nflog-range', 1, 'int'), o('nflog-size', 1, 'int'), o('nflog-threshold', 1, 'int')],
  DNAT: [o('to-destination', 1, 'hostport'), o('random', 0), o('persistent', 0)],
  SNAT: [o('to-source', 1, 'hostport'), o('random', 0), o('random-fully', 0), o('persistent', 0)],
  MASQUERADE: [o('to-ports', 1, 'portrange'), o('random', 0), o('random-fully', 0)],
  REDIRECT: [o('to-ports', 1, 'portrange'), o('random', 0)],
  MARK: [o('set-xmark', 1, 'mark'), o('set-mark', 1, 'mark'), o('and-mark', 1, 'mark'), o('or-mark', 1, 'mark'), o('xor-mark', 1, 'mark')],
  CONNMARK: [o('set-xmark', 1, 'mark'), o('set-mark', 1, 'mark'), o('save-mark', 0), o('restore-mark', 0), o('and-mark', 1, 'mark'), o('or-mark', 1, 'mark'), o('xor-mark', 1, 'mark'), o('nfmask', 1, 'mark'), o('ctmask', 1, 'mark'), o('mask', 1, 'mark')],
  CT: [o('notrack', 0), o('zone', 1), o('zone-orig', 1), o('zone-reply', 1), o('helper', 1), o('ctevents', 1), o('expevents', 1), o('timeout', 1)],
  NOTRACK: [],
  TPROXY: [o('on-port', 1, 'port'), o('on-ip', 1, 'addr'), o('tproxy-mark', 1, 'mark')],
  NFQUEUE: [o('queue-num', 1, 'int'), o('queue-balance', 1), o('queue-bypass', 0), o('fail-open', 0), o('queue-cpu-fanout', 0)],
  TCPMSS: [o('set-mss', 1, 'int'), o('clamp-mss-to-pmtu', 0)],
  TOS: [o('set-tos', 1), o('and-tos', 1), o('or-tos', 1), o('xor-tos', 1)],
  DSCP: [o('set-dscp', 1), o('set-dscp-class', 1)],
  TTL: [o('ttl-set', 1, 'int'), o('ttl-dec', 1, 'int'), o('ttl-inc', 1, 'int')],
  CHECKSUM: [o('checksum-fill', 0)],
  TRACE: [],
  AUDIT: [o('type', 1)],
  CLASSIFY: [o('set-class', 1)],
  SET: [o('add-set', 2), o('del-set', 2), o('exist', 0), o('timeout', 1, 'int')],
};

/** Implicit protocol modules loaded by `-p <proto>`. */
export const IMPLICIT_PROTOCOL_MODULES = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'esp', 'ah']);

type Index = Map<string, OptionSpec>;
function index(list: OptionSpec[]): Index {
  const m: Index = new Map();
  for (const s of list) {
    m.set(s.name, s);
    for (const a of s.aliases ?? []) m.set(a, s);
  }
  return m;
}
const matchIdx = new Map<string, Index>(Object.entries(MATCH_SPECS).map(([k, v]) => [k, index(v)]));
const targetIdx = new Map<string, Index>(Object.entries(TARGET_SPECS).map(([k, v]) => [k, index(v)]));

export function isKnownMatch(module: string): boolean {
  return matchIdx.has(module);
}
export function isKnownTarget(name: string): boolean {
  return targetIdx.has(name);
}
export function matchOption(module: string, name: string): OptionSpec | undefined {
  return matchIdx.get(module)?.get(name);
}
export function targetOption(target: string, name: string): OptionSpec | undefined {
  return targetIdx.get(target)?.get(name);
}

// ---------------------------------------------------------------------------------------------- validation

// Addresses, ports and protocols live in ../net (one module for parser, linter and tracer); re-exported here
// for the code that imported them from the spec table.
export { PROTOCOL_NUMBERS, allDigits, ipv4Value, isIPv4, normalizeAddress, validateAddress, validatePort, validatePorts } from '../net';

const CTSTATES = new Set(['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT']);
const STATES = new Set(['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED']);
const ADDRTYPES = new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']);

export function validateArg(kind: ArgKind, v: string): { code: string; message: string } | undefined {
  if (v.includes('$')) return undefined;
  let msg: string | undefined;
  switch (kind) {
    case 'any':
      return undefined;
    case 'port':
      msg = validatePort(v);
      return msg ? { code: 'syntax/bad-port', message: msg } : undefined;
    case 'ports':
      msg = validatePorts(v);
      return msg ? { code: 'syntax/bad-port', message: msg } : undefined;
    case 'addr':
      msg = validateAddress(v);
      return msg ? { code: 'syntax/bad-address', message: msg } : undefined;
    case 'addrrange': {
      const parts = v.split('-');
      if (parts.length > 2 || !parts.every(isIPv4)) return { code: 'syntax/bad-address', message: `"${v}" is not a valid address range (a.b.c.d-e.f.g.h)` };
      return undefined;
    }
    case 'mark':
      return /^(0x[0-9a-f]+|\d+)(\/(0x[0-9a-f]+|\d+))?$/i.test(v) ? undefined : { code: 'syntax/bad-value', message: `"${v}" is not a valid mark (value[/mask])` };
    case 'int':
      return /^\d+$/.test(v) ? undefined : { code: 'syntax/bad-value', message: `"${v}" is not a number` };
    case 'ctstate':
    case 'state': {
      const set = kind === 'ctstate' ? CTSTATES : STATES;
      const bad = v.split(',').filter((s) => !set.has(s));
      return bad.length ? { code: 'syntax/bad-value', message: `unknown ${kind} "${bad.join(',')}" (valid: ${[...set].join(', ')})` } : undefined;
    }
    case 'addrtype':
      return ADDRTYPES.has(v.toUpperCase()) ? undefined : { code: 'syntax/bad-value', message: `unknown address type "${v}"` };
    case 'portrange': {
      const parts = v.split('-');
      if (parts.length > 2 || !parts.every((p) => /^\d{1,5}$/.test(p) && Number(p) <= 65535)) return { code: 'syntax/bad-port', message: `"${v}" is not a valid port or port range (a-b)` };
      if (parts.length === 2 && Number(parts[0]) > Number(parts[1])) return { code: 'syntax/bad-port', message: `port range "${v}" is inverted` };
      return undefined;
    }
    case 'hostport': {
      // [ipaddr[-ipaddr]][:port[-port]]; IPv6 forms ([addr]:port, bare addr) are not validated here
      if (v.startsWith('[') || v.indexOf(':') !== v.lastIndexOf(':')) return undefined;
      const m = /^([^:]*)(?::(.*))?$/.exec(v);
      if (!m) return { code: 'syntax/bad-address', message: `"${v}" is not a valid address[:port]` };
      const [, addr, port] = m;
      if (addr) {
        for (const a of addr.split('-')) if (!isIPv4(a)) return { code: 'syntax/bad-address', message: `"${a}" in "${v}" is not a valid IPv4 address` };
      }
      if (port !== undefined) {
        for (const p of port.split('-')) if (!/^\d+$/.test(p) || Number(p) > 65535) return { code: 'syntax/bad-port', message: `"${port}" in "${v}" is not a valid port or port range` };
      }
      if (!addr && port === undefined) return { code: 'syntax/bad-address', message: 'empty address' };
      return undefined;
    }
  }
}
