/**
 * Fuzzing support for the parsers of remote output: a seeded PRNG, text and JSON-tree mutators, and the
 * targets (parser + seeds + invariants). Everything is deterministic from (target, seed, index), so a failing
 * input can be rebuilt exactly: `inputFor(target, seed, i)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { FdbEntry, InterfaceInfo, NeighEntry, RouteEntry } from '../../src/core/model';
import { splitGatherOutput } from '../../src/core/discovery';
import { readContainer, readNetwork, readService, readSwarmInfo } from '../../src/core/parsers/docker';
import { parseFdbJson, parseFdbText, parseIpAddrJson, parseIpLinkText, parseNeighJson, parseNeighText, parseRoutesJson } from '../../src/core/parsers/iproute';
import { parseIpvsadm, type IpvsTable } from '../../src/core/parsers/ipvsadm';
import { parseContextLs } from '../../src/core/sources/dockerContexts';
import { readSwarmNodes } from '../../src/core/sources/swarm';
import { checkHostKey, parseKnownHosts } from '../../src/core/transport/knownHosts';
import { prng, type Rng } from '../prng';

export { prng, type Rng };

const REPO = join(__dirname, '..', '..');
const SEEDS = process.env.SWARMNET_SHARED ? join(process.env.SWARMNET_SHARED, 'fixtures', 'seed-outputs') : join(REPO, '..', 'shared', 'fixtures', 'seed-outputs');
const OWN = join(REPO, 'test', 'fixtures', 'ssh', 'fuzz-seeds');
const DISCOVERY = join(REPO, 'test', 'fixtures', 'discovery');


/** A stream per (seed, target, index): inputs are independent and rebuildable one by one. */
export function rngFor(seed: number, target: string, index: number): Rng {
  let h = seed ^ 0x9e3779b9;
  for (const c of target) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return prng((h ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

const int = (r: Rng, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rng, a: readonly T[]): T => a[int(r, a.length)];

const TOKENS = [
  '{', '}', '[', ']', '"', ',', ':', '\n', '\r\n', '\t', ' ', '  ', 'null', 'true', 'false', '-1', '0', '1e308', '-0', 'NaN', '""', '\\', '\\u0000', '\u0000',
  '\uffff', '\ud800', '😀', '0x', '/', '@@', '::', 'ff:ff:ff:ff:ff:ff', '999999999999999999999', '4294967296', '-2147483649', '1.5', 'link/ether', 'inet ', 'inet6 ',
  'dst ', 'self ', 'permanent', 'master ', 'vxlan id ', 'mtu ', '@if', ': <', '>', 'TCP ', 'UDP ', 'FWM ', 'SCTP ', '-> ', 'Masq ', 'Route ', 'rr', 'wrr',
  'lladdr ', 'REACHABLE', 'PERMANENT', 'dev ', 'via ', 'proto ', 'scope ', 'src ', 'ifindex', 'ifname', 'addr_info', 'linkinfo', 'info_kind', 'info_data',
  '"ifindex":', '"ifname":"', '"mac":"', '"dst":"', '"Id":"', '"Name":"', '"Spec":{', '"Endpoint":', '"Containers":{', '"Peers":[', '"Services":{',
  'IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  '@@fixturenonce ', '@@fixturenonce ns ', '@@fixturenonce host addr', '@@fixturenonce end', 'badname', 'failed', 'stale',
];

/** A few byte/line-level mutations of one seed (sometimes spliced with another). */
export function mutateText(r: Rng, seeds: readonly string[]): string {
  let s = pick(r, seeds);
  const ops = 1 + int(r, 5);
  for (let k = 0; k < ops; k++) {
    const pos = int(r, s.length + 1);
    switch (int(r, 12)) {
      case 0:
        s = s.slice(0, pos);
        break;
      case 1: {
        const len = 1 + int(r, 64);
        s = s.slice(0, pos) + s.slice(pos + len);
        break;
      }
      case 2:
      case 3:
        s = s.slice(0, pos) + pick(r, TOKENS) + s.slice(pos);
        break;
      case 4: {
        const len = 1 + int(r, 100);
        const chunk = s.slice(pos, pos + len);
        s = s.slice(0, pos) + chunk.repeat(1 + int(r, 8)) + s.slice(pos);
        break;
      }
      case 5:
        s = s.replace(/\d+/g, (m) => (r() < 0.15 ? pick(r, ['-1', '0', '99999999999999999999', '1e400', 'x', '', '4294967295', m + m]) : m));
        break;
      case 6: {
        const lines = s.split('\n');
        const a = int(r, lines.length);
        const b = int(r, lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        s = lines.join('\n');
        break;
      }
      case 7: {
        const other = pick(r, seeds);
        s = s.slice(0, pos) + other.slice(int(r, other.length + 1));
        break;
      }
      case 8:
        s = s.slice(0, pos) + String.fromCharCode(int(r, 0x10000)) + s.slice(pos + 1);
        break;
      case 9: {
        const lines = s.split('\n');
        const i = int(r, lines.length);
        lines.splice(i, 0, ...Array.from({ length: 1 + int(r, r() < 0.1 ? 200 : 10) }, () => lines[i] ?? ''));
        s = lines.join('\n');
        break;
      }
      case 10:
        s = s.replace(/[ \t]+/g, (m) => (r() < 0.1 ? pick(r, ['', '\t', '   ', '\n']) : m));
        break;
      default:
        s = s.slice(0, pos) + 'x'.repeat(int(r, r() < 0.1 ? 5000 : 100)) + s.slice(pos);
    }
  }
  return s.length > 100_000 ? s.slice(0, 100_000) : s;
}

function randomValue(r: Rng, depth: number): unknown {
  switch (int(r, 12)) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [-1, 0, 1.5, 2 ** 53 + 2, -(2 ** 31), 4294967296, 1e308]);
    case 3:
      return pick(r, ['', 'x', '../../etc', '$(id)', 'a'.repeat(3000), '\u0000', 'ff:ff:ff:ff:ff:ff', '10.0.0.1/24', '::1', 'vxlan', 'overlay', 'ingress']);
    case 4:
      return [];
    case 5:
      return {};
    case 6: {
      let v: unknown = 'deep';
      for (let i = 0; i < 20 + int(r, 200); i++) v = r() < 0.5 ? [v] : { k: v };
      return v;
    }
    case 7:
      return depth < 3 ? Array.from({ length: int(r, 5) }, () => randomValue(r, depth + 1)) : [];
    case 8:
      return JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"toString":1}') as unknown;
    default:
      return depth < 3 ? Object.fromEntries(Array.from({ length: int(r, 4) }, (_, i) => [`k${i}`, randomValue(r, depth + 1)])) : {};
  }
}

/** Mutates a parsed JSON tree in place-free fashion (returns a new tree). */
export function mutateJson(r: Rng, v: unknown, rate: number, depth = 0): unknown {
  if (r() < rate) return randomValue(r, depth);
  if (Array.isArray(v)) {
    let out = v.map((x) => mutateJson(r, x, rate, depth + 1));
    if (r() < rate) out = out.filter(() => r() > 0.3);
    if (r() < rate && out.length) out.push(out[int(r, out.length)]);
    return out;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (r() < rate / 2) continue;
      const key = r() < rate / 4 ? pick(r, ['', '__proto__', 'constructor', k.toLowerCase(), `${k} `]) : k;
      Object.defineProperty(out, key, { value: mutateJson(r, x, rate, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

function files(dir: string, re: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/**
 * Big JSON arrays (whole `ip -j addr` or task lists) make every input slow to mutate and parse: use their
 * elements one or two at a time as seeds (the structure of each element is what the parsers walk), and the
 * whole text only when it is small.
 */
function jsonSeeds(texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      out.push(t);
      continue;
    }
    if (!Array.isArray(v) || t.length < 6000) {
      if (t.length < 20_000) out.push(t);
      if (!Array.isArray(v)) continue;
    }
    v.forEach((el, i) => {
      out.push(JSON.stringify([el]));
      if (i + 1 < v.length && i % 2 === 0) out.push(JSON.stringify([el, v[i + 1]], null, i % 4 === 0 ? 1 : undefined));
    });
  }
  return out;
}

/** The discovery batch output cut into small, well-formed outputs: hostname + host + one namespace + end. */
function gatherSeeds(texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    const m = /^@@(\S+) /m.exec(t);
    if (!m) continue;
    const marker = `@@${m[1]} `;
    const blocks = t.split(new RegExp(`(?=^${marker})`, 'm'));
    const head = blocks.filter((b) => b.startsWith(`${marker}hostname`) || b.startsWith(`${marker}host `));
    const small = (b: string): string => (b.length > 3000 ? `${b.slice(0, b.indexOf('\n') + 1)}[]\n` : b);
    const byNs = new Map<string, string[]>();
    for (const b of blocks) {
      const ns = new RegExp(`^${marker}ns (\\S+)`).exec(b);
      if (ns) byNs.set(ns[1], [...(byNs.get(ns[1]) ?? []), b]);
    }
    const end = `${marker}end\n`;
    out.push(head.map(small).join('') + end);
    for (const bs of byNs.values()) out.push(`${head.map(small).join('')}${bs.join('')}${end}`.slice(0, 12_000));
  }
  return out;
}

export interface Target {
  name: string;
  count: number;
  seeds: () => string[];
  /** Builds input i. */
  input: (r: Rng, seeds: string[]) => string;
  /** Runs the parser(s); throws only on a broken invariant (a parser throw propagates as a failure too). */
  check: (input: string) => void;
}

function diagShape(d: Diagnostic[]): void {
  for (const x of d) {
    if (typeof x.message !== 'string' || !x.message || !['error', 'warning', 'info'].includes(x.severity) || typeof x.source !== 'string') {
      throw new Error(`malformed diagnostic ${JSON.stringify(x).slice(0, 200)}`);
    }
  }
}

function fail(what: string, v: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(v).slice(0, 200)}`);
}

/** Every value a parser returns must be well-typed, and text parsers invent nothing: names and MACs come from the input. */
function checkInterfaces(out: InterfaceInfo[], input?: string): void {
  const lower = input?.toLowerCase();
  for (const i of out) {
    if (!Number.isInteger(i.ifindex) || i.ifindex < 0) fail('bad ifindex', i);
    if (typeof i.name !== 'string' || !i.name) fail('interface without a name', i);
    if (!Array.isArray(i.flags) || !Array.isArray(i.addresses)) fail('interface without flags/addresses arrays', i);
    for (const a of i.addresses) if (!['inet', 'inet6'].includes(a.family) || typeof a.address !== 'string' || !a.address || !Number.isInteger(a.prefixLen)) fail('bad address', a);
    if (input !== undefined && !input.includes(i.name.split('@')[0])) fail('interface name not in the input', i.name);
    if (i.mac !== undefined && lower !== undefined && !lower.includes(i.mac.toLowerCase())) fail('MAC not in the input', i.mac);
  }
}

function checkFdb(out: FdbEntry[], input?: string): void {
  for (const e of out) {
    if (typeof e.mac !== 'string' || !e.mac || typeof e.dev !== 'string' || !Array.isArray(e.flags)) fail('bad FDB entry', e);
    if (input !== undefined && !input.toLowerCase().includes(e.mac.toLowerCase())) fail('FDB MAC not in the input', e);
    if (input !== undefined && e.dst !== undefined && !input.includes(e.dst)) fail('FDB dst not in the input', e);
  }
}

function checkNeigh(out: NeighEntry[], input?: string): void {
  for (const e of out) {
    if (typeof e.dst !== 'string' || !e.dst || typeof e.dev !== 'string' || !Array.isArray(e.state)) fail('bad neighbour', e);
    if (input !== undefined && !input.includes(e.dst)) fail('neighbour address not in the input', e);
  }
}

function checkRoutes(out: RouteEntry[]): void {
  for (const e of out) if (typeof e.dst !== 'string' || !e.dst) fail('route without dst', e);
}

const port = (p: number | undefined): boolean => p === undefined || (Number.isInteger(p) && p >= 0 && p <= 65535);

function checkIpvs(t: IpvsTable): void {
  if (!['ok', 'absent', 'not-installed', 'error', 'empty'].includes(t.status)) fail('bad IPVS status', t.status);
  if (t.status !== 'ok' && !t.reason) fail('a non-ok IPVS status without a reason', t);
  for (const s of t.services) {
    if (!port(s.port) || typeof s.scheduler !== 'string' || !Array.isArray(s.flags)) fail('bad IPVS service', s);
    if (s.fwmark !== undefined && (!Number.isInteger(s.fwmark) || s.fwmark < 0)) fail('bad fwmark', s);
    for (const r of s.realServers) {
      if (!port(r.port) || typeof r.host !== 'string' || !r.host) fail('bad real server', r);
      for (const n of [r.weight, r.activeConn, r.inactConn]) if (!Number.isInteger(n) || n < 0) fail('bad real server counter', r);
    }
  }
}

/** known_hosts: each entry's fields stand on the line it names; a verdict names a line that holds an entry. */
function checkKnownHosts(t: string): void {
  const lines = t.split(/\r?\n/);
  const entries = parseKnownHosts(t);
  for (const e of entries) {
    const words = (lines[e.line - 1] ?? '').trim().split(/\s+/);
    const expected = [...(e.marker ? [e.marker] : []), e.patterns, e.keyType, e.keyBase64];
    if (expected.some((w, k) => words[k] !== w)) fail(`known_hosts entry does not match its line ${e.line}`, { e, line: lines[e.line - 1] });
  }
  const v = checkHostKey(t, 'node1', 2222, 'ssh-ed25519', Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIKp7', 'base64'));
  if (!['match', 'mismatch', 'revoked', 'unknown'].includes(v.status)) fail('bad verdict', v);
  if (v.status !== 'unknown' && !entries.some((e) => e.line === v.line)) fail('verdict names a line without an entry', v);
}

function isJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** Bad JSON must never be silently dropped: some diagnostic must say so. */
function jsonParser<T>(fn: (t: string, src: string, d: Diagnostic[]) => T[], checkOut: (out: T[]) => void): (t: string) => void {
  return (t) => {
    const d: Diagnostic[] = [];
    const out = fn(t, 'fuzz', d);
    if (!Array.isArray(out)) throw new Error('parser did not return an array');
    checkOut(out);
    diagShape(d);
    if (t.trim() !== '' && !isJson(t) && d.length === 0) throw new Error('invalid JSON produced no diagnostic (silent drop)');
  };
}

const textAndJson = (r: Rng, seeds: string[]): string => {
  if (r() < 0.35) {
    const s = pick(r, seeds);
    try {
      return JSON.stringify(mutateJson(r, JSON.parse(s), 0.02 + r() * 0.1));
    } catch {
      /* not JSON: text mutation */
    }
  }
  return mutateText(r, seeds);
};

export const TARGETS: Target[] = [
  {
    name: 'ip -j -d addr',
    count: 12_000,
    seeds: () => jsonSeeds(files(OWN, /ip-j-d-addr\.json$/)),
    input: textAndJson,
    check: jsonParser(parseIpAddrJson, (o) => checkInterfaces(o)),
  },
  {
    name: 'ip -j route/neigh, bridge -j fdb',
    count: 16_000,
    seeds: () => jsonSeeds(files(OWN, /(ip-j-route|ip-j-neigh|bridge-j-fdb)\.json$/)),
    input: textAndJson,
    check: (t) => {
      jsonParser(parseRoutesJson, checkRoutes)(t);
      jsonParser(parseNeighJson, (o) => checkNeigh(o))(t);
      jsonParser(parseFdbJson, (o) => checkFdb(o))(t);
    },
  },
  {
    name: 'ip link/addr, bridge fdb, ip neigh (text)',
    count: 16_000,
    seeds: () => [...files(OWN, /\.txt$/), ...files(SEEDS, /(ip-addr|ip-link|ip-d-link|fdb|neigh)\.txt$/)],
    input: (r, s) => mutateText(r, s),
    check: (t) => {
      const d: Diagnostic[] = [];
      checkInterfaces(parseIpLinkText(t, 'fuzz', d), t);
      checkFdb(parseFdbText(t, 'fuzz', d), t);
      checkNeigh(parseNeighText(t, 'fuzz', d), t);
      diagShape(d);
    },
  },
  {
    name: 'docker API readers',
    count: 10_000,
    seeds: () => jsonSeeds([...files(OWN, /^docker-.*\.json$/), ...files(DISCOVERY, /\.json$/)]),
    input: textAndJson,
    check: (t) => {
      let v: unknown;
      try {
        v = JSON.parse(t);
      } catch {
        return; // the readers take parsed objects (dockerode parses); invalid JSON never reaches them
      }
      const items = Array.isArray(v) ? v : [v];
      const d: Diagnostic[] = [];
      readSwarmInfo(v);
      for (const it of items) {
        readNetwork(it, d);
        readContainer(it, d);
        readService(it, items);
        readSwarmInfo(it);
      }
      diagShape(d);
    },
  },
  {
    name: 'discovery gather output (splitGatherOutput + section parsers)',
    count: 8_000,
    seeds: () => gatherSeeds(files(DISCOVERY, /^gather-.*\.txt$/)),
    input: (r, s) => mutateText(r, s),
    check: (t) => {
      const g = splitGatherOutput(t, 'fixturenonce');
      diagShape(g.diagnostics);
      for (const ns of [g.host, ...g.namespaces]) {
        const d: Diagnostic[] = [];
        if (ns.sections.addr !== undefined) checkInterfaces(parseIpAddrJson(ns.sections.addr, 'a', d));
        if (ns.sections.route !== undefined) checkRoutes(parseRoutesJson(ns.sections.route, 'r', d));
        if (ns.sections.neigh !== undefined) checkNeigh(parseNeighJson(ns.sections.neigh, 'n', d));
        if (ns.sections.fdb !== undefined) checkFdb(parseFdbJson(ns.sections.fdb, 'f', d));
        diagShape(d);
      }
    },
  },
  {
    name: 'ipvsadm -Ln',
    count: 32_000,
    seeds: () => files(SEEDS, /ipvsadm.*\.txt$/),
    input: (r, s) => mutateText(r, s),
    check: (t) => {
      const p = parseIpvsadm(t);
      if (!p.value || !Array.isArray(p.value.services)) throw new Error('no table');
      checkIpvs(p.value);
      diagShape(p.diagnostics);
    },
  },
  {
    name: 'docker context ls, swarm nodes, known_hosts',
    count: 8_000,
    seeds: () => [readFileSync(join(REPO, 'test', 'fixtures', 'ssh', 'context-ls.ndjson'), 'utf8'), ...jsonSeeds([readFileSync(join(REPO, 'test', 'fixtures', 'ssh', 'swarm-nodes.json'), 'utf8')]), KNOWN_HOSTS_SEED],
    input: textAndJson,
    check: (t) => {
      const d: Diagnostic[] = [];
      for (const c of parseContextLs(t, d)) if (typeof c.name !== 'string' || !c.name || typeof c.endpoint !== 'string') fail('bad context', c);
      let v: unknown;
      try {
        v = JSON.parse(t);
      } catch {
        v = undefined;
      }
      if (v !== undefined) for (const n of readSwarmNodes(v, d)) if (typeof n.id !== 'string' || !['manager', 'worker', 'unknown'].includes(n.role) || typeof n.leader !== 'boolean') fail('bad swarm node', n);
      diagShape(d);
      checkKnownHosts(t);
    },
  },
];

// Only for the watchdog's self-test (the worker sees this env var): a "parser" that never returns on input #3.
if (process.env.FUZZ_SELFTEST_HANG === '1') {
  TARGETS.push({
    name: 'selftest-hang',
    count: 10,
    seeds: () => ['x'],
    input: (_r, seeds) => seeds[0],
    check: (() => {
      let calls = 0;
      return () => {
        if (++calls === 4) for (;;) {
          /* hang */
        }
      };
    })(),
  });
}

const KNOWN_HOSTS_SEED = [
  '|1|3uC1Vv9p7e9qS3Qw8y2VQm7v1DU=|2x1p9b2Q0p8Yw3v2m8d3eW5e9pA= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKp7',
  '[node1]:2222,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKp7',
  '@revoked * ssh-rsa AAAAB3NzaC1yc2E=',
  '!bad,*.lab ecdsa-sha2-nistp256 AAAAE2VjZHNh',
  '# comment',
].join('\n');

export function inputFor(target: Target, seeds: string[], seed: number, index: number): string {
  return target.input(rngFor(seed, target.name, index), seeds);
}

export interface FuzzStats {
  target: string;
  inputs: number;
  totalMs: number;
  maxMs: number;
  slowestIndex: number;
  failures: { index: number; error: string; excerpt: string }[];
}

/** Runs one target; `progress[0]` holds the index being run (read by the watchdog on a hang). */
export function runTarget(target: Target, seed: number, count: number, progress?: Int32Array): FuzzStats {
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`${target.name}: no seed files found`);
  const stats: FuzzStats = { target: target.name, inputs: 0, totalMs: 0, maxMs: 0, slowestIndex: -1, failures: [] };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (progress) Atomics.store(progress, 0, i);
    const input = inputFor(target, seeds, seed, i);
    const once = (record: boolean): number => {
      const t0 = performance.now();
      try {
        target.check(input);
      } catch (e) {
        if (record && stats.failures.length < 5) stats.failures.push({ index: i, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), excerpt: JSON.stringify(input.slice(0, 300)) });
      }
      return performance.now() - t0;
    };
    let ms = once(true);
    // A GC pause is not a slow parser: re-time an outlier once and keep the faster run.
    if (ms > 20) ms = Math.min(ms, once(false));
    if (ms > stats.maxMs) {
      stats.maxMs = ms;
      stats.slowestIndex = i;
    }
    stats.inputs++;
  }
  stats.totalMs = performance.now() - started;
  return stats;
}
