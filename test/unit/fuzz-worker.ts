/** Runs one fuzz target in a worker thread so that the test can stop it if a parser hangs. */
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget, TARGETS } from './fuzz-lib';

const { target, seed, count, progress } = workerData as { target: string; seed: number; count: number; progress: SharedArrayBuffer };
const t = TARGETS.find((x) => x.name === target);
if (!t) throw new Error(`no fuzz target ${target}`);
parentPort?.postMessage(runTarget(t, seed, count, new Int32Array(progress)));
