/** Runs every check over the gathered nodes. Pure: the same input gives the same report. */
import { CHECKS } from './checks';
import type { Check, DoctorInput, DoctorReport } from './types';

export function runChecks(input: DoctorInput, checks: readonly Check[] = CHECKS): DoctorReport {
  const t0 = performance.now();
  const report: DoctorReport = { findings: [], skipped: [], checks: checks.map((c) => c.id), nodes: input.nodes.map((n) => n.name), durationMs: 0 };
  for (const n of input.nodes) if (n.gossipSkipped) report.skipped.push({ check: 'gossip (all)', node: n.name, reason: n.gossipSkipped });
  for (const c of checks) {
    const r = c.run(input);
    // one by one: a spread of a very large result overflows the call stack
    for (const f of r.findings) report.findings.push(f);
    for (const s of r.skipped) report.skipped.push(s);
  }
  report.durationMs = performance.now() - t0;
  return report;
}
