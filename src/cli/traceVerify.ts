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
                           exit 0 observed = predicted, 5 they differ, 1 not verified
  --verify=trace           as --verify, and also a TRACE rule (raw table, -m comment swarmnet-verify-…) for the
                           probe's exact 5-tuple in each namespace on the path that already has a raw table,
                           read with xtables-monitor --trace, removed afterwards; the commands are printed first
  --probe-timeout <s>      seconds the probe waits for an answer (default 3)`;

/** Exit codes: 0 observed = predicted, 5 observed differs, 1 not verified (no probe, no nodes), 2 usage. */
export async function traceVerifyCommand(args: string[], io: TraceIo): Promise<number> {
  const req: Partial<TraceRequest> = {};
  const opts: VerifyOptions = {};
  let whatIf: string | undefined;
  let json = false;
  const rest: string[] = [];
  for (const { flag: k, value: val } of flags(args)) {
    switch (k) {
      case '--verify': break;
      case '--verify=counters': break;
      case '--from': req.from = val(); break;
      case '--to': req.to = val(); break;
      case '--proto': req.proto = val(); break;
      case '--sport': req.sport = Number(val()); break;
      case '--dport': req.dport = Number(val()); break;
      case '--entry-node': req.entryNode = val(); break;
      case '--backend': req.backend = val(); break;
      case '--what-if': whatIf = val(); break;
      case '--what-if-node': opts.whatIf = { text: '', source: '', node: val() }; break;
      case '--probe-timeout': opts.probeTimeoutSec = Number(val()); break;
      case '--json': json = true; break;
      default:
        if (k === '--verify=trace') {
          opts.mode = 'trace';
          break;
        }
        if (k.startsWith('--verify=')) {
          io.err(`swarmnet trace: ${k}: use --verify (counters, read-only) or --verify=trace\n`);
          return 2;
        }
        if (k === '--fixtures') {
          io.err('swarmnet trace: --verify needs live nodes, not --fixtures\n');
          return 2;
        }
        rest.push(k);
    }
  }
  if (!req.from || !req.to) {
    io.err('swarmnet trace: --from and --to are required\n');
    return 2;
  }
  if (whatIf) opts.whatIf = { text: await readFile(whatIf, 'utf8'), source: `what-if ${basename(whatIf)}`, node: opts.whatIf?.node };
  else opts.whatIf = undefined;
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
    const plan = await planVerification(nodes, req as TraceRequest, vo);
    if (opts.mode === 'trace') {
      io.err('swarmnet trace: --verify=trace: TRACE rules for the probe only, removed afterwards (namespaces without a raw table are skipped):\n');
      for (const l of traceCommandsFor(plan)) io.err(`  ${l}\n`);
    }
    const report = await runVerification(plan, vo);
    io.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report));
    if (report.firstDifference) return 5;
    return report.agrees ? 0 : 1;
  } finally {
    await Promise.all(ok.map((c) => c.conn.close()));
  }
}
