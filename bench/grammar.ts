/**
 * Grammar speed: tokenize 10,000 lines of `iptables -nvL` output with the iptables-list grammar through
 * vscode-textmate + Oniguruma (wasm), line by line carrying the rule stack as the editor does.
 * The lines come from the real -nvL outputs (seed outputs + lab-captured), repeated with varied counters (K/M/G
 * suffixes), ports, addresses and chain names so the text is not one line repeated. Goal: < 150 ms.
 * The registry has VS Code's Dark+ theme loaded, as in the editor (colours are resolved per token).
 * Run: npx tsx bench/grammar.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { INITIAL, type IGrammar, type StateStack } from 'vscode-textmate';
import { FIXTURES, SEEDS } from '../test/helpers';
import { newRegistry, tokenizeLines } from '../test/grammar/tm';
import { loadTheme } from '../test/grammar/themes';

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
  // the pkts and bytes columns (after the `num` column of --line-numbers listings: iptables never suffixes that one)
  const lead = /^\s*\d+\s+\d+[KMGT]?\s+\d+[KMGT]?\s+\D/.test(line) ? /^(\s*\d+\s+)(\d+)(\s+)(\d+)(\s)/ : /^(\s*)(\d+)(\s+)(\d+)(\s)/;
  let out = line.replace(lead, (_m, a: string, _p: string, b: string, _q: string, c: string) => `${a}${(i * 7919) % 1000}${suffix}${b}${(i * 104729) % 100000}${c}`);
  out = out.replace(/dpt:(\d+)/g, () => `dpt:${1024 + (i % 60000)}`);
  out = out.replace(/(\d+\.\d+\.\d+\.)(\d+)(?=[\s:/]|$)/g, (_m, p: string) => `${p}${i % 250}`);
  out = out.replace(/^Chain (DOCKER[-_]?\w*)/, (_m, c: string) => `Chain ${c}-${i % 13}`);
  return out;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Tokenizes the document line by line as the editor does (tokenizeLine2 = binary tokens), carrying the rule stack. */
function runOnce(g: IGrammar, doc: string[], binary: boolean): Timing {
  const c = process.cpuUsage();
  const s = performance.now();
  let stack: StateStack = INITIAL;
  for (const line of doc) stack = (binary ? g.tokenizeLine2(line, stack) : g.tokenizeLine(line, stack)).ruleStack;
  const wall = performance.now() - s;
  const u = process.cpuUsage(c);
  return { wall, cpu: (u.user + u.system) / 1000 };
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (ms: number): string => `${(ms / GOAL_MS).toFixed(2)}×`;

async function main(): Promise<void> {
  const real = realNvlLines();
  const doc: string[] = [];
  for (let i = 0; doc.length < LINES; i++) doc.push(vary(real[i % real.length], Math.floor(i / real.length) + i));
  const text = doc.join('\n');
  console.log(`bench/grammar: ${LINES} lines of iptables -nvL (${(text.length / 1024).toFixed(0)} KiB; from ${real.length} real lines, varied), goal < ${GOAL_MS} ms`);
  const load = loadavg()[0];
  console.log(`  machine: ${cpus().length} cores, load average ${load.toFixed(2)}${load > cpus().length ? ' (busy: wall times are inflated; CPU time is this process only)' : ''}`);

  for (const [label, theme] of [['no theme', undefined], ['Dark+ theme (as in the editor)', loadTheme('dark_plus.json').raw]] as const) {
    const t0 = performance.now();
    const registry = await newRegistry(theme);
    const g = await registry.loadGrammar('source.iptables-list');
    if (!g) throw new Error('iptables-list grammar did not load');
    const loadMs = performance.now() - t0;
    // warm-up (regex compilation, JIT) and a correctness check: every line back to the initial state
    const w = performance.now();
    const first = tokenizeLines(g, text);
    const coldMs = performance.now() - w;
    if (first.length !== LINES || first.some((r) => !r.backToInitial)) throw new Error('tokenization did not return to the initial state on every line');
    const tokens = first.reduce((n, r) => n + r.tokens.length, 0);
    runOnce(g, doc, true);
    const runs: Timing[] = Array.from({ length: RUNS }, () => runOnce(g, doc, true));
    const wall = med(runs.map((r) => r.wall));
    const cpu = med(runs.map((r) => r.cpu));
    const bestCpu = Math.min(...runs.map((r) => r.cpu));
    console.log(`  ${label}: load ${loadMs.toFixed(0)} ms, cold pass ${coldMs.toFixed(0)} ms, ${tokens} tokens`);
    console.log(`    warm tokenizeLine2, median of ${RUNS}: ${wall.toFixed(1)} ms wall (${ratio(wall)} of goal), ${cpu.toFixed(1)} ms CPU (${ratio(cpu)}); best CPU ${bestCpu.toFixed(1)} ms (${ratio(bestCpu)})`);
    console.log(`    throughput: ${Math.round(LINES / (wall / 1000)).toLocaleString('en-US')} lines/s wall, ${Math.round(LINES / (cpu / 1000)).toLocaleString('en-US')} lines/s CPU`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
