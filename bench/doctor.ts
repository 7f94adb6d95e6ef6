/**
 * bench/doctor: the doctor's checks over a synthesized 50-node, 200-service cluster (10 overlay networks, 4 tasks
 * per service spread over the nodes, every node's model, NetworkDB tables and overlay kernel tables consistent),
 * every host behind a real ufw rule set (the firewall check evaluates it for every pair of nodes), clean and with six
 * faults injected (each must be found with its code on its node, nothing else).
 * Goal: runChecks < 1 s. The lab end to end is bench/doctor-lab.ts (it needs the lab).
 */
import { runChecks } from '../src/core/doctor';
import { injectFaults, synthCluster } from './lib/doctorCluster';

const GOAL_MS = 1000;
const RUNS = 5;
const SHAPE = { nodes: 50, networks: 10, services: 200, replicas: 4 };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const clean = synthCluster(SHAPE);
  const rows = clean.reduce((s, n) => s + n.model.namespaces.reduce((t, ns) => t + ns.fdb.length + ns.neighbors.length, 0), 0);
  const cleanReport = runChecks({ nodes: clean });
  if (cleanReport.findings.length > 0) {
    console.error(`bench/doctor: the clean synthesized cluster gave ${cleanReport.findings.length} findings, e.g. ${cleanReport.findings[0].message}`);
    process.exit(2);
  }
  const faulty = synthCluster(SHAPE);
  const expected = injectFaults(faulty);
  const times: number[] = [];
  let got: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = runChecks({ nodes: faulty });
    times.push(performance.now() - t);
    got = [...new Set(r.findings.map((f) => `${f.node} ${f.code}`))].sort();
  }
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    console.error(`bench/doctor: injected faults not found as expected\n  expected ${expected.join(', ')}\n  got      ${got.join(', ')}`);
    process.exit(2);
  }
  const m = median(times);
  console.log(`bench/doctor: ${SHAPE.nodes} nodes, ${SHAPE.networks} overlay networks, ${SHAPE.services} services × ${SHAPE.replicas} tasks, ${rows} kernel FDB/neighbour rows; ${expected.length} injected faults all found`);
  console.log(`  runChecks (synthesized cluster): median ${m.toFixed(1)} ms over ${RUNS} runs  (goal < ${GOAL_MS} ms: ${(m / GOAL_MS).toFixed(2)}× of budget)`);
  if (m >= GOAL_MS) process.exit(1);
}

main();
