/**
 * swarmnet CLI: the same core as the extension, for terminals and scripts.
 *   swarmnet discover [node flags] [--json]
 *   swarmnet run <namespace|host> [node flags] -- <command...>
 *   swarmnet lint <file...> [--json]
 *   swarmnet trace ... (see `swarmnet trace --help`)
 *   swarmnet doctor [node flags] [--network N] [--json] (see `swarmnet doctor --help`)
 * Node flags: --local (default) | --ssh user@host[:port] [-i key] [--known-hosts f] [--accept-new]
 *             | --docker tcp://host:port | --lab .lab/lab.json
 */
import { discoverCommand, runCommand } from './discover';

const USAGE = `usage: swarmnet <discover|run|lint|trace|doctor> [options]
  discover [node flags] [--json]          discover nodes: networks, namespaces, interfaces, veth peers, FDB
  run <ns|host> [node flags] -- <cmd...>   run a command inside a Docker network namespace (nsenter)
  lint <file...> [--json]                  lint DOCKER-USER rules (iptables -A lines or iptables-save)
  trace --help                             trace a packet hop by hop
  doctor [node flags] [--json]             find what disagrees across the cluster (gossip, kernel, IPVS, rules)
node flags: --local | --ssh user@host[:port] [-i key] [--known-hosts file] [--accept-new] | --docker tcp://h:p | --lab .lab/lab.json [--node name]`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'discover':
      return discoverCommand(args);
    case 'run':
      return runCommand(args);
    case 'lint': {
      const { lintCommand } = await import('./lint');
      return lintCommand(args);
    }
    case 'trace': {
      const { traceCommand } = await import('./trace');
      return traceCommand(args);
    }
    case 'doctor': {
      const { doctorCommand } = await import('./doctor');
      return doctorCommand(args);
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`swarmnet: unknown command ${JSON.stringify(cmd)}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`swarmnet: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
