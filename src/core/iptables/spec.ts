import { isIPv4, parseNatPortRange, validateAddress, validatePort, validatePorts } from '../net';
import { MATCH_MODULES } from './matches';
import { o, type ArgKind, type OptionSpec } from './matches/types';

/**
 * Knowledge about iptables matches and targets: which options each module/target accepts, their long
 * canonical names (without dashes), aliases, arity and how their arguments are validated.
 * Used by ./parse.ts (all input formats) and by the linter.
 */

export type { ArgKind, OptionSpec } from './matches/types';

/** Options per match module, from the registry (./matches: one file per module). */
export const MATCH_SPECS: Record<string, OptionSpec[]> = Object.fromEntries(MATCH_MODULES.map((m) => [m.name, m.options]));

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
  // iptables-extensions(8) NETMAP: --to address[/mask] (iptables -S prints it so)
  NETMAP: [o('to', 1, 'addr')],
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
export const IMPLICIT_PROTOCOL_MODULES = new Set(MATCH_MODULES.filter((m) => m.protocol).map((m) => m.name));

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

/**
 * A NAT port range ("a" or "a-b": `--to-ports`, the port part of `--to-destination`/`--to-source`) as iptables
 * 1.8.9 checks it: "a:b" is refused ("use dash"), so is an inverted range ("Port range `80' funky").
 */
function natPorts(ports: string, whole: string): { code: string; message: string } | undefined {
  if (parseNatPortRange(ports)) return undefined;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(ports);
  if (m && Number(m[1]) <= 65535 && Number(m[2]) <= 65535) {
    return { code: 'syntax/bad-port', message: ports === whole ? `port range "${ports}" is inverted` : `port range "${ports}" in "${whole}" is inverted` };
  }
  return { code: 'syntax/bad-port', message: ports === whole ? `"${ports}" is not a valid port or port range (a-b)` : `"${ports}" in "${whole}" is not a valid port or port range` };
}

/**
 * `-m bpf --bytecode`, as libxt_bpf reads it (kernel-checked, iptables 1.8.9): the instruction count, a comma, then that
 * many `code jt jf k` instructions of decimal numbers separated by commas (a trailing comma is taken). A bytecode a
 * guide elides (`"..."`) is refused: "bpf: error parsing program length".
 */
function bpfBytecode(v: string): { code: string; message: string } | undefined {
  const head = /^\s*(\d+),/.exec(v);
  const bad = (why: string) => ({ code: 'syntax/bad-value', message: `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}" is not BPF bytecode: ${why}` });
  if (!head) return bad('it starts with the instruction count and a comma ("bpf: error parsing program length")');
  const count = Number(head[1]);
  if (count === 0) return bad('a program of zero instructions');
  if (count > 4096) return bad('more instructions than iptables takes');
  const instructions = v.slice(head[0].length).split(',');
  if (instructions[instructions.length - 1].trim() === '') instructions.pop();
  const at = instructions.findIndex((x) => !/^\s*\d+\s+\d+\s+\d+\s+\d+\s*$/.test(x));
  if (at >= 0) return bad(`instruction ${at} is not four decimal numbers ("code jt jf k")`);
  return instructions.length === count ? undefined : bad(`it holds ${instructions.length} instructions, not the ${count} it announces`);
}

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
      // strtoul base 0, like iptables: hex, octal after a leading 0 (`09` is refused: "trailing garbage"), decimal
      return /^(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)(\/(0x[0-9a-f]+|0[0-7]*|[1-9]\d*))?$/i.test(v) ? undefined : { code: 'syntax/bad-value', message: `"${v}" is not a valid mark (value[/mask])` };
    case 'int':
      return /^\d+$/.test(v) ? undefined : { code: 'syntax/bad-value', message: `"${v}" is not a number` };
    case 'ctstate':
    case 'state': {
      const set = kind === 'ctstate' ? CTSTATES : STATES;
      // iptables reads the names case-insensitively (libxt_conntrack/libxt_state: strncasecmp); 1.8.9 takes "established,related"
      const bad = v.split(',').filter((s) => !set.has(s.toUpperCase()));
      return bad.length ? { code: 'syntax/bad-value', message: `unknown ${kind} "${bad.join(',')}" (valid: ${[...set].join(', ')})` } : undefined;
    }
    case 'addrtype': {
      // a comma list is one option (libxt_addrtype.c parse_types; iptables 1.8.9 takes --dst-type BROADCAST,MULTICAST)
      const bad = v.split(',').filter((t) => !ADDRTYPES.has(t.toUpperCase()));
      return bad.length ? { code: 'syntax/bad-value', message: `unknown address type "${bad.join(',')}"` } : undefined;
    }
    case 'portrange':
      return natPorts(v, v);
    case 'bpf':
      return bpfBytecode(v);
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
        const e = natPorts(port, v);
        if (e) return e;
      }
      if (!addr && port === undefined) return { code: 'syntax/bad-address', message: 'empty address' };
      return undefined;
    }
  }
}
