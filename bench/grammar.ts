/**
 * Grammar speed: tokenize 10,000 lines of `iptables -nvL` output with the iptables-list grammar through
 * vscode-textmate + Oniguruma (wasm), line by line carrying the rule stack as the editor does.
 * The lines come from the real -nvL outputs (seed outputs + lab-captured), repeated with varied counters (K/M/G
 * suffixes), ports, addresses and chain names so the text is not one line repeated. Goal: < 150 ms.
 * Run: npx tsx bench/grammar.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { INITIAL, type StateStack } from 'vscode-textmate';
import { FIXTURES, SEEDS } from '../test/helpers';
import { loadGrammar, tokenizeLines } from '../test/grammar/tm';

const GOAL_MS = 150;
const LINES = 10_000;
const RUNS = 7;

function realNvlLines(): string[] {
  const lines: string[] = [];
  for (const dir of [SEEDS, join(FIXTURES, 'lab-captured')]) {
    for (const f of readdirSync(dir).sort()) {
      if (!/\.nvL\b/.test(f)) continue;
      lines.push(...readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0));
    }
  }
  if (lines.length < 50) throw new Error(`only ${lines.length} real -nvL lines found (seed outputs missing?)`);
  return lines;
}

/** Deterministic variation of a real line: counters, ports, last octets, chain suffixes. */
function vary(line: string, i: number): string {
  const suffix = ['', '', 'K', 'M', 'G'][i % 5];
  let out = line.replace(/^(\s*)(\d+)(\s+)(\d+)(\s)/, (_m, a: string, _p: string, b: string, _q: string, c: string) => `${a}${(i * 7919) % 1000}${suffix}${b}${(i * 104729) % 100000}${c}`);
  out = out.replace(/dpt:(\d+)/g, () => `dpt:${1024 + (i % 60000)}`);
  out = out.replace(/(\d+\.\d+\.\d+\.)(\d+)(?=[\s:/]|$)/g, (_m, p: string) => `${p}${i % 250}`);
  out = out.replace(/^Chain (DOCKER[-_]?\w*)/, (_m, c: string) => `Chain ${c}-${i % 13}`);
  return out;
}

async function main(): Promise<void> {
  const real = realNvlLines();
  const doc: string[] = [];
  for (let i = 0; doc.length < LINES; i++) doc.push(vary(real[i % real.length], Math.floor(i / real.length) + i));
  const text = doc.join('\n');
  const t0 = performance.now();
  const g = await loadGrammar('iptables-list');
  const loadMs = performance.now() - t0;

  // warm-up (regex compilation, JIT) and a correctness check: every line back to the initial state
  const warm = performance.now();
  const first = tokenizeLines(g, text);
  const warmMs = performance.now() - warm;
  const tokens = first.reduce((n, r) => n + r.tokens.length, 0);
  if (first.length !== LINES || first.some((r) => !r.backToInitial)) throw new Error('tokenization did not return to the initial state on every line');

  // What the editor does: tokenizeLine2 (binary tokens) line by line, carrying the rule stack.
  // Wall time, and CPU time of this process (user+system): on a shared, busy machine the wall time includes the
  // time other processes held the CPU, the CPU time does not.
  const run = (binary: boolean): { wall: number; cpu: number } => {
    const c = process.cpuUsage();
    const s = performance.now();
    let stack: StateStack = INITIAL;
    for (const line of doc) stack = (binary ? g.tokenizeLine2(line, stack) : g.tokenizeLine(line, stack)).ruleStack;
    const wall = performance.now() - s;
    const u = process.cpuUsage(c);
    return { wall, cpu: (u.user + u.system) / 1000 };
  };
  run(true);
  const runs = Array.from({ length: RUNS }, () => run(true));
  const scoped = Array.from({ length: RUNS }, () => run(false));
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const median = med(runs.map((r) => r.wall));
  const best = Math.min(...runs.map((r) => r.wall));
  const cpuMedian = med(runs.map((r) => r.cpu));
  const cpuBest = Math.min(...runs.map((r) => r.cpu));
  const medianScoped = med(scoped.map((r) => r.wall));
  console.log(`bench/grammar: ${LINES} lines of iptables -nvL (${(text.length / 1024).toFixed(0)} KiB, ${tokens} tokens; from ${real.length} real lines, varied)`);
  console.log(`  grammar load ${loadMs.toFixed(1)} ms, first (cold) pass ${warmMs.toFixed(1)} ms`);
  console.log(`  warm, tokenizeLine2 (what VS Code calls): median ${median.toFixed(1)} ms, best ${best.toFixed(1)} ms over ${RUNS} runs  (goal < ${GOAL_MS} ms: median ${(median / GOAL_MS).toFixed(2)}× of budget, best ${(best / GOAL_MS).toFixed(2)}×)`);
  console.log(`  warm, tokenizeLine2 CPU time of this process: median ${cpuMedian.toFixed(1)} ms, best ${cpuBest.toFixed(1)} ms  (goal < ${GOAL_MS} ms: median ${(cpuMedian / GOAL_MS).toFixed(2)}×, best ${(cpuBest / GOAL_MS).toFixed(2)}× of budget)`);
  console.log(`  warm, tokenizeLine (scope strings per token): median ${medianScoped.toFixed(1)} ms wall  (${(medianScoped / GOAL_MS).toFixed(2)}× of budget)`);
  const load = loadavg()[0];
  console.log(`  machine: ${cpus().length} cores, load average ${load.toFixed(2)}${load > cpus().length ? ' (busy: timings are inflated)' : ''}`);
  console.log(`  throughput: ${Math.round(LINES / (median / 1000)).toLocaleString('en-US')} lines/s (median), ${Math.round(LINES / (best / 1000)).toLocaleString('en-US')} lines/s (best)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
