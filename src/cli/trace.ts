/**
 * swarmnet trace --from <ip|task> --to <ip:port|service[:port]> [--proto tcp] [--sport n]
 *                [--fixtures <dir> | node flags] [--what-if <file>] [--what-if-node <node>]
 *                [--entry-node <node>] [--backend <ip|name>] [--in-iface <if>] [--ct-state <state>]
 *                [--tcp-flags <f,…>] [--mark <n>] [--json]
 * Prints the hops of a packet (by default the first packet of a connection), every rule that matched (with source line and counters),
 * rewrites, IPVS choices and drops. --fixtures reads a directory of dumps (scenario.json, see
 * test/fixtures/trace/*); without it the nodes given by the node flags are discovered and their rules gathered live.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatTrace } from '../core/trace/format';
import { classifyTrace, EXIT_CODES, type PathVerdict, type TraceVerdict } from '../core/trace/verdict';
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
  --what-if <file>         apply <file> to the host namespace: its DOCKER-USER replaces DOCKER-USER, its own
                           chains are added, other chains (any table) are replaced (iptables-save text) or
                           get its -A/-I lines (commands)
  --what-if-node <node>    ... only on this node (default: every node)
  --entry-node <node>      node an external client reaches (default: the node owning the destination)
  --backend <ip|name>      follow only this IPVS backend
  --in-iface <if>          interface an external client's packet arrives on (default: the one with the address)
  --ct-state <state>       NEW (default: a connection's first packet), ESTABLISHED, RELATED, INVALID, UNTRACKED;
                           after the first packet nat is not traversed: the first packet's binding is applied
  --tcp-flags <f,...>      TCP flags set: SYN,ACK,FIN,RST,PSH,URG (default SYN when NEW, else ACK)
  --mark <n>               firewall mark of the packet as it enters netfilter (decimal or 0x hex)
  --json                   print the trace as JSON
${VERIFY_HELP}
  node flags (live): --local | --ssh user@host[:port] ... | --lab [.lab/lab.json] (see swarmnet --help)
exit codes (the last line of the text output says the verdict; with several paths, the first that applies):
  3 dropped        some path is dropped (DROP/REJECT, no route, no backend ...)
  4 reply dropped  delivered, but the reply is dropped on the way back: the connection cannot complete
  6 undecidable    the path depends on a rule whose match cannot be decided offline (rate limits, unknown
                   ipset contents, host names ...) or on state the dumps lack
  5 forwarded out  the packet leaves the traced nodes (to a router or a node not traced)
  0 delivered      every path is delivered and its reply passes
  1 could not trace (unknown source/destination, no node), 2 usage`;

/** Where the command writes (the process streams by default; tests pass their own). */
export interface TraceIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const PROCESS_IO: TraceIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

const CT_STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
const TCP_FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG'];

/** Exit codes: see HELP (EXIT_CODES in src/core/trace/verdict.ts), 1 could not trace, 2 usage. */
export async function traceCommand(args: string[], io: TraceIo = PROCESS_IO): Promise<number> {
  if (args.some((x) => x === '--verify' || x.startsWith('--verify=')) && !args.some((x) => x === '-h' || x === '--help')) return traceVerifyCommand(args, io);
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
      case '--in-iface': req.inIface = val(); break;
      case '--ct-state': req.ctState = val().toUpperCase() as TraceRequest['ctState']; break;
      case '--tcp-flags': req.tcpFlags = val().toUpperCase().split(','); break;
      case '--mark': req.mark = Number(val()); break;
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
  const bad = badOption(req);
  if (bad) {
    io.err(`swarmnet trace: ${bad}\n`);
    return 2;
  }
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
  const { verdict, paths } = classifyTrace(result);
  io.out(json ? `${JSON.stringify({ ...result, verdict, paths }, null, 2)}\n` : `${formatTrace(result)}${verdictLines(verdict, paths)}`);
  if (result.path.hops.length === 0 || verdict === undefined) return 1;
  return EXIT_CODES[verdict];
}

function verdictLines(verdict: TraceVerdict | undefined, paths: PathVerdict[]): string {
  if (!verdict) return '';
  const why = paths.filter((p) => p.verdict === verdict && p.why).map((p) => `  (${p.why})\n`);
  return `verdict: ${verdict.replace('-', ' ')} (exit ${EXIT_CODES[verdict]})\n${[...new Set(why)].join('')}`;
}

/** A usage error in the packet options, or undefined. */
function badOption(req: Partial<TraceRequest>): string | undefined {
  if (req.ctState !== undefined && !CT_STATES.includes(req.ctState)) return `--ct-state ${req.ctState}: one of ${CT_STATES.join(', ')}`;
  const f = req.tcpFlags?.find((x) => !TCP_FLAGS.includes(x) && x !== 'NONE');
  if (f !== undefined) return `--tcp-flags: unknown flag ${f} (${TCP_FLAGS.join(', ')})`;
  if (req.tcpFlags?.includes('NONE')) req.tcpFlags = [];
  if (req.mark !== undefined && (!Number.isInteger(req.mark) || req.mark < 0 || req.mark > 0xffffffff)) return '--mark: a number 0-0xffffffff';
  if (req.sport !== undefined && !(Number.isInteger(req.sport) && req.sport >= 0 && req.sport <= 65535)) return '--sport: a port 0-65535';
  return undefined;
}
