/**
 * swarmnet trace --from <ip|task> --to <ip:port|service[:port]> [--proto tcp] [--sport n]
 *                [--fixtures <dir> | node flags] [--what-if <file>] [--what-if-node <node>]
 *                [--entry-node <node>] [--backend <ip|name>] [--json]
 * Prints the hops of the first packet of a connection, every rule that matched (with source line and counters),
 * rewrites, IPVS choices and drops. --fixtures reads a directory of dumps (scenario.json, see
 * test/fixtures/trace/*); without it the nodes given by the node flags are discovered and their rules gathered live.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatTrace } from '../core/trace/format';
import { liveScenario, traceScenario } from '../core/trace/live';
import { loadScenarioDir } from '../core/trace/scenarioDir';
import type { TraceRequest, TraceScenario } from '../core/trace/types';
import { connectAll, takeNodeOptions } from './nodes';
import { flags } from './args';
import { traceVerifyCommand, VERIFY_HELP } from './traceVerify';

const HELP = `usage: swarmnet trace --from <ip|task|namespace|task:<service>[@<node>]> --to <ip:port|service[:port]|task:<service>[@<node>][:port]> [options]
  --proto tcp|udp          protocol (default tcp)
  --sport <n>              client source port (default 40000)
  --dport <n>              destination port (when --to names none, e.g. task:web@node3)
  --fixtures <dir>         trace over dumps in <dir>/scenario.json instead of live nodes
  --what-if <file>         replace the DOCKER-USER chain (filter, host namespace) by the rules in <file>
  --what-if-node <node>    ... only on this node (default: every node)
  --entry-node <node>      node an external client reaches (default: the node owning the destination)
  --backend <ip|name>      follow only this IPVS backend
  --json                   print the trace as JSON
${VERIFY_HELP}
  node flags (live): --local | --ssh user@host[:port] ... | --lab [.lab/lab.json] (see swarmnet --help)`;

/** Where the command writes (the process streams by default; tests pass their own). */
export interface TraceIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const PROCESS_IO: TraceIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** Exit codes: 0 a path was delivered, 3 traced but nothing delivered (dropped/left/unknown), 1 could not trace, 2 usage. */
export async function traceCommand(args: string[], io: TraceIo = PROCESS_IO): Promise<number> {
  const a = [...args];
  const req: Partial<TraceRequest> = {};
  let fixtures: string | undefined;
  let whatIf: string | undefined;
  let whatIfNode: string | undefined;
  let json = false;
  const rest: string[] = [];
  for (const { flag: k, value: val } of flags(a)) {
    switch (k) {
      case '--from': req.from = val(); break;
      case '--to': req.to = val(); break;
      case '--proto': req.proto = val(); break;
      case '--sport': req.sport = Number(val()); break;
      case '--dport': req.dport = Number(val()); break;
      case '--entry-node': req.entryNode = val(); break;
      case '--backend': req.backend = val(); break;
      case '--fixtures': fixtures = val(); break;
      case '--what-if': whatIf = val(); break;
      case '--what-if-node': whatIfNode = val(); break;
      case '--json': json = true; break;
      case '-h':
      case '--help':
        io.out(`${HELP}\n`);
        return 0;
      default: rest.push(k);
    }
  }
  if (!req.from || !req.to) {
    io.err(`swarmnet trace: --from and --to are required\n${HELP}\n`);
    return 2;
  }
  if (rest.some((x) => x === '--verify' || x.startsWith('--verify='))) return traceVerifyCommand({ req: req as TraceRequest, whatIf, whatIfNode, json, fixtures, rest }, io);
  let scenario: TraceScenario;
  if (fixtures) {
    if (rest.length) io.err(`swarmnet trace: ignoring ${rest.join(' ')} with --fixtures\n`);
    scenario = loadScenarioDir(fixtures);
  } else {
    // `--lab` alone means the lab of this checkout.
    const li = rest.indexOf('--lab');
    if (li >= 0 && (rest[li + 1] === undefined || rest[li + 1].startsWith('--'))) rest.splice(li + 1, 0, '.lab/lab.json');
    const opts = await takeNodeOptions(rest);
    if (rest.length) io.err(`swarmnet trace: ignoring ${rest.join(' ')}\n`);
    const conns = await connectAll(opts);
    const bad = conns.filter((c) => !c.conn);
    for (const b of bad) io.err(`swarmnet trace: ${b.config.name}: ${b.error ?? 'cannot connect'}\n`);
    const ok = conns.flatMap((c) => (c.conn ? [c.conn] : []));
    if (ok.length === 0) return 1;
    try {
      scenario = await liveScenario(ok, { timeoutMs: opts.timeoutMs });
    } finally {
      await Promise.all(ok.map((c) => c.close()));
    }
  }
  const proposal = whatIf ? { text: await readFile(whatIf, 'utf8'), source: `what-if ${basename(whatIf)}`, node: whatIfNode } : undefined;
  const { result, whatIfDiagnostics } = traceScenario(scenario, req as TraceRequest, proposal);
  for (const d of whatIfDiagnostics) io.err(`swarmnet trace: ${d.severity}: ${d.source}${d.line ? `:${d.line}` : ''}: ${d.message}\n`);
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : formatTrace(result));
  if (result.path.hops.length === 0) return 1;
  return result.summary.some((s) => s.startsWith('delivered')) ? 0 : 3;
}
