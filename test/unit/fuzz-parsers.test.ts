/**
 * Fuzzing of every parser of remote output (iproute JSON and text, bridge FDB, Docker API readers, the
 * discovery batch output, ipvsadm, docker context ls / swarm node list / known_hosts) with ≥ 100,000 mutated
 * real outputs: no throw, no hang, bounded time per input, bad JSON never silently dropped.
 * Seeded and reproducible: a fixed seed by default (every run tests the same inputs); FUZZ_SEED=N replays seed N,
 * FUZZ_SEED=random draws a new one (printed, to replay a failure); FUZZ_SCALE runs more or fewer inputs.
 * Parsers run in worker threads: a hang is caught by a watchdog that reports the input index.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { inputFor, TARGETS, type FuzzStats } from './fuzz-lib';
import { fuzzSeed } from '../prng';

const SEED = fuzzSeed(process.env.FUZZ_SEED, 0x5eed0001);
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
// catches catastrophic backtracking (seconds), not a GC pause on a loaded 2-core machine
const MAX_MS_PER_INPUT = 250;
const WATCHDOG_MS = 40_000;
const done: FuzzStats[] = [];

console.log(`fuzz seed ${SEED}${process.env.FUZZ_SEED === 'random' ? ' (random on request)' : ''} (replay: FUZZ_SEED=${SEED})`);

function runInWorker(name: string, count: number, watchdogMs = WATCHDOG_MS, env: NodeJS.ProcessEnv = process.env): Promise<FuzzStats> {
  const progress = new SharedArrayBuffer(4);
  const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'fuzz-worker.ts'))});`, { eval: true, env, workerData: { target: name, seed: SEED, count, progress } });
  return new Promise<FuzzStats>((resolve, reject) => {
    const dog = setTimeout(() => {
      const i = Atomics.load(new Int32Array(progress), 0);
      void w.terminate();
      const t = TARGETS.find((x) => x.name === name);
      const input = t ? inputFor(t, t.seeds(), SEED, i) : '';
      reject(new Error(`${name}: no result after ${watchdogMs} ms, stuck at input #${i} (FUZZ_SEED=${SEED}): ${JSON.stringify(input.slice(0, 300))}`));
    }, watchdogMs);
    w.once('message', (m: FuzzStats) => {
      clearTimeout(dog);
      void w.terminate();
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(dog);
      reject(e);
    });
  });
}

// Two workers at a time (the CI machine has 2 cores), each taking the next target when it is free.
const queue = TARGETS.map((t) => ({ t, count: Math.max(1, Math.round(t.count * SCALE)) }));
const results = new Map<string, Promise<FuzzStats>>();
const settle = new Map<string, { resolve: (s: FuzzStats) => void; reject: (e: unknown) => void }>();
for (const q of queue) results.set(q.t.name, new Promise<FuzzStats>((resolve, reject) => settle.set(q.t.name, { resolve, reject })));
let next = 0;
async function lane(): Promise<void> {
  while (next < queue.length) {
    const q = queue[next++];
    const s = settle.get(q.t.name);
    await runInWorker(q.t.name, q.count).then(s?.resolve, s?.reject);
  }
}
void Promise.all([lane(), lane()]);

for (const { t, count } of queue) {
  test(`fuzz: ${t.name}`, { timeout: 120_000 }, async () => {
    const s = await (results.get(t.name) as Promise<FuzzStats>);
    done.push(s);
    console.log(`${t.name}: ${s.inputs} inputs in ${(s.totalMs / 1000).toFixed(2)} s, max ${s.maxMs.toFixed(2)} ms/input (#${s.slowestIndex}; goal < ${MAX_MS_PER_INPUT} ms)`);
    assert.equal(s.inputs, count);
    assert.deepEqual(s.failures, [], `FUZZ_SEED=${SEED}`);
    assert.ok(s.maxMs < MAX_MS_PER_INPUT, `input #${s.slowestIndex} took ${s.maxMs.toFixed(1)} ms (FUZZ_SEED=${SEED})`);
  });
}

test('fuzz watchdog: a parser that never returns is stopped and the input index reported', async () => {
  await assert.rejects(runInWorker('selftest-hang', 10, 3000, { ...process.env, FUZZ_SELFTEST_HANG: '1' }), /selftest-hang: no result after 3000 ms, stuck at input #3 /);
});

test('fuzz: at least 100,000 inputs in total', () => {
  const total = done.reduce((a, s) => a + s.inputs, 0);
  const ms = done.reduce((a, s) => a + s.totalMs, 0);
  console.log(`fuzz total: ${total} inputs, ${(ms / 1000).toFixed(1)} s of parser time (seed ${SEED})`);
  if (SCALE >= 1) assert.ok(total >= 100_000, `only ${total} inputs`);
  assert.equal(done.length, TARGETS.length);
});
