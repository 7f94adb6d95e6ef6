/**
 * swarmnet trace --verify ...: the trace's options plus a live check (src/core/trace/verify.ts): one real probe
 * along the predicted path, per-rule and interface counters read before and after on every namespace the path
 * crosses, the observed path printed beside the predicted one. Reads only (the probe is the one packet sent),
 * unless --verify=trace allows TRACE rules for the probe.
 * Called from ./trace.ts when --verify is given.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { discoverNode } from '../core/discovery';
import type { LiveNode } from '../core/trace/live';
import type { TraceRequest } from '../core/trace/types';
import { planVerification, runVerification, traceCommandsFor, type VerifyOptions } from '../core/trace/verify';
import { formatVerify } from '../core/trace/verifyFormat';
import { flags } from './args';
import { connectAll, takeNodeOptions } from './nodes';
import type { TraceIo } from './trace';

export const VERIFY_HELP = `  --verify                 also send one real probe along the path and show the observed path beside the
                           predicted one (counters read with iptables-save -c / ip -s link, read-only);
                           exit 0 observed = predicted, 7 they differ, 1 not verified
  --verify=trace           as --verify, and also a TRACE rule (raw table, -m comment swarmnet-verify-…) for the
                           probe's exact 5-tuple in each namespace on the path that already has a raw table,
                           read with xtables-monitor --trace, removed afterwards; the commands are printed first
  --probe-timeout <s>      seconds the probe waits for an answer (default 3)`;

/** What `swarmnet trace` parsed; `rest` holds --verify[=trace], --probe-timeout <s> and the node flags. */
export interface VerifyArgs {
  req: TraceRequest;
  whatIf?: string;
  whatIfNode?: string;
  json: boolean;
  fixtures?: string;
  rest: string[];
}

/** Exit codes: 0 observed = predicted, 7 observed differs (not one of the trace verdict codes 3-6), 1 not verified, 2 usage. */
export async function traceVerifyCommand(a: VerifyArgs, io: TraceIo): Promise<number> {
  const opts: VerifyOptions = {};
  const rest: string[] = [];
  for (const { flag: k, value: val } of flags(a.rest)) {
    if (k === '--verify' || k === '--verify=counters') continue;
    if (k === '--verify=trace') opts.mode = 'trace';
    else if (k === '--probe-timeout') opts.probeTimeoutSec = Number(val());
    else if (k.startsWith('--verify=')) {
      io.err(`swarmnet trace: ${k}: use --verify (counters, read-only) or --verify=trace\n`);
      return 2;
    } else rest.push(k);
  }
  const r = a.req;
  if ((r.ctState && r.ctState !== 'NEW') || r.tcpFlags || r.mark || r.inIface) {
    io.err('swarmnet trace: --verify sends a connection\'s first packet from where it starts: --ct-state, --tcp-flags, --mark and --in-iface cannot be probed\n');
    return 2;
  }
  if (a.fixtures) {
    io.err('swarmnet trace: --verify needs live nodes, not --fixtures\n');
    return 2;
  }
  if (a.whatIf) opts.whatIf = { text: await readFile(a.whatIf, 'utf8'), source: `what-if ${basename(a.whatIf)}`, node: a.whatIfNode };
  const req = a.req;
  const json = a.json;
  const li = rest.indexOf('--lab');
  if (li >= 0 && (rest[li + 1] === undefined || rest[li + 1].startsWith('--'))) rest.splice(li + 1, 0, '.lab/lab.json');
  const nodeOpts = await takeNodeOptions(rest);
  if (rest.length) io.err(`swarmnet trace: ignoring ${rest.join(' ')}\n`);
  const conns = await connectAll(nodeOpts);
  for (const b of conns.filter((c) => !c.conn)) io.err(`swarmnet trace: ${b.config.name}: ${b.error ?? 'cannot connect'}\n`);
  const ok = conns.flatMap((c) => (c.conn ? [{ conn: c.conn, name: c.config.name }] : []));
  if (ok.length === 0) return 1;
  try {
    const models = await Promise.all(ok.map((c) => discoverNode(c.conn, { timeoutMs: nodeOpts.timeoutMs })));
    const nodes: LiveNode[] = models.map((model, i) => ({ model: { ...model, name: ok[i].name }, runner: ok[i].conn.runner }));
    const vo: VerifyOptions = { ...opts, timeoutMs: nodeOpts.timeoutMs };
    const plan = await planVerification(nodes, req, vo);
    if (opts.mode === 'trace') {
      io.err('swarmnet trace: --verify=trace: TRACE rules for the probe only, removed afterwards (namespaces without a raw table are skipped):\n');
      for (const l of traceCommandsFor(plan)) io.err(`  ${l}\n`);
    }
    const report = await runVerification(plan, vo);
    io.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report));
    if (report.firstDifference) return 7;
    return report.agrees ? 0 : 1;
  } finally {
    await Promise.all(ok.map((c) => c.conn.close()));
  }
}
