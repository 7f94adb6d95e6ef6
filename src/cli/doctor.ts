/**
 * `swarmnet doctor [node flags] [--network N] [--diag-port N] [--json] [--save FILE]`: discovers every node,
 * reads its gossip and kernel tables, and reports what disagrees across the cluster. Exit 0: nothing wrong;
 * 1: findings; 2: usage or no node reachable. Never changes anything: fixes are printed as commands.
 */
import { writeFile } from 'node:fs/promises';
import { discoverNode } from '../core/discovery';
import { formatReport, gatherDoctorNode, runChecks, type DoctorNode } from '../core/doctor';
import { flags } from './args';
import { connectAll, takeNodeOptions } from './nodes';

export const DOCTOR_USAGE = `usage: swarmnet doctor [node flags] [--network NAME|ID] [--diag-port N] [--json] [--save FILE]
  Compares, across all nodes: NetworkDB tables (through the engine's diagnostic server, "network-diagnostic-port"
  in daemon.json), the overlay FDB/neighbour entries, IPVS backends and marks, the routing-mesh rules, subnet use.
  Exit 0: no finding; 1: findings (or a node could not be read); 2: usage error.
  Nothing on a node is changed: fixes are printed as commands to run after you confirm them.`;

export async function doctorCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  const o = await takeNodeOptions(args);
  let network: string | undefined;
  let diagPort: number | undefined;
  let save: string | undefined;
  let json = false;
  for (const { flag, value } of flags(args)) {
    if (flag === '--network') network = value();
    else if (flag === '--diag-port') diagPort = Number(value());
    else if (flag === '--save') save = value();
    else if (flag === '--json') json = true;
    else throw new Error(`doctor: unknown option ${flag}\n${DOCTOR_USAGE}`);
  }
  const conns = await connectAll(o);
  const errors: string[] = [];
  const nodes: DoctorNode[] = [];
  await Promise.all(
    conns.map(async (c) => {
      if (!c.conn) return void errors.push(`${c.config.name}: ${c.error ?? 'not connected'}`);
      try {
        const model = await discoverNode(c.conn);
        nodes.push(await gatherDoctorNode(c.conn.runner, model, { diagPort }));
      } catch (e) {
        errors.push(`${c.config.name}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await c.conn.close();
      }
    }),
  );
  if (nodes.length === 0) {
    process.stderr.write(`swarmnet doctor: no node could be read\n${errors.join('\n')}\n`);
    return 2;
  }
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  const report = runChecks({ nodes, network });
  if (save) await writeFile(save, `${JSON.stringify({ nodes }, null, 1)}\n`);
  process.stdout.write(json ? `${JSON.stringify({ ...report, unreachable: errors }, null, 2)}\n` : formatReport(report) + errors.map((e) => `unreachable: ${e}\n`).join(''));
  return report.findings.length || errors.length ? 1 : 0;
}
