/**
 * `swarmnet doctor [node flags] [--network N] [--diag-port N] [--no-probes] [--json] [--save FILE] [--apply K [--yes]]`:
 * discovers every node, reads its gossip and kernel tables, probes the underlay between nodes, and reports what
 * disagrees across the cluster. Nothing on a node changes unless `--apply K` names a finding and the user
 * confirms its exact commands; the same check then runs again.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { NodeConnection } from '../core/discovery';
import { applyFix, formatReport, runDoctor, type DoctorReport } from '../core/doctor';
import { shellJoin } from '../core/transport/quote';
import { flags } from './args';
import { connectAll, takeNodeOptions } from './nodes';

export const DOCTOR_USAGE = `usage: swarmnet doctor [node flags] [--network NAME|ID] [--diag-port N] [--no-probes] [--json] [--save FILE]
                      [--apply K [--yes]]
  Compares, across all nodes: NetworkDB tables (through the engine's diagnostic server, "network-diagnostic-port"
  in daemon.json), the overlay FDB/neighbour entries, IPVS backends and marks, the routing-mesh rules, subnet use,
  probes the underlay between nodes (overlay ping at the overlay MTU, 7946/tcp, 2377/tcp), and evaluates each
  node's iptables-save for the swarm ports between every pair (2377/tcp, 7946/tcp+udp, VXLAN, ESP).
  --apply K  show finding K's fix as commands, run them on its node only after you confirm, then check again.
  Exit 0: no finding; 1: findings (or a node could not be read); 2: usage error.`;

interface Options {
  network?: string;
  diagPort?: number;
  save?: string;
  json: boolean;
  probes: boolean;
  apply?: number;
  yes: boolean;
}

function takeOptions(args: string[]): Options {
  const o: Options = { json: false, probes: true, yes: false };
  for (const { flag, value } of flags(args)) {
    if (flag === '--network') o.network = value();
    else if (flag === '--diag-port') o.diagPort = Number(value());
    else if (flag === '--save') o.save = value();
    else if (flag === '--json') o.json = true;
    else if (flag === '--no-probes') o.probes = false;
    else if (flag === '--apply') o.apply = Number(value());
    else if (flag === '--yes') o.yes = true;
    else throw new Error(`doctor: unknown option ${flag}\n${DOCTOR_USAGE}`);
  }
  return o;
}

async function connect(args: string[]): Promise<{ conns: NodeConnection[]; errors: string[] }> {
  const o = await takeNodeOptions(args);
  const conns: NodeConnection[] = [];
  const errors: string[] = [];
  for (const c of await connectAll(o)) {
    if (c.conn) conns.push(c.conn);
    else errors.push(`${c.config.name}: ${c.error ?? 'not connected'}`);
  }
  return { conns, errors };
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new Error('doctor: refusing to change a node without confirmation (no terminal: add --yes to confirm these exact commands)');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function apply(conns: NodeConnection[], report: DoctorReport, o: Options): Promise<number> {
  const f = report.findings[(o.apply ?? 0) - 1];
  if (!f?.fix) throw new Error(`doctor: finding ${o.apply} ${f ? 'has no fix' : 'does not exist'} (findings are numbered in the report)`);
  const fix = f.fix;
  process.stdout.write(`\nfix for [${o.apply}] ${f.code} on ${fix.node} — ${fix.title}:\n${fix.commands.map((c) => `  ${shellJoin(c)}`).join('\n')}\n`);
  if (!o.yes && !(await confirm(`run these ${fix.commands.length} command(s) on ${fix.node}? [y/N] `))) {
    process.stdout.write('nothing changed\n');
    return 1;
  }
  const out = await applyFix(conns, { ...f, fix }, o);
  for (const l of out.log) process.stdout.write(`  $ ${shellJoin(l.argv)} → exit ${l.code}${l.stderr ? `: ${l.stderr}` : ''}\n`);
  process.stdout.write(out.gone ? `checked again: ${f.code} on ${f.node} is gone\n` : `the same check still finds it: ${f.message}\n`);
  return out.gone ? 0 : 1;
}

export async function doctorCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  const g = await connect(args);
  try {
    const o = takeOptions(args);
    if (g.conns.length === 0) {
      process.stderr.write(`swarmnet doctor: no node could be read\n${g.errors.join('\n')}\n`);
      return 2;
    }
    const { nodes, report } = await runDoctor(g.conns, o);
    if (o.save) await writeFile(o.save, `${JSON.stringify({ nodes }, null, 1)}\n`);
    process.stdout.write(o.json ? `${JSON.stringify({ ...report, unreachable: g.errors }, null, 2)}\n` : formatReport(report) + g.errors.map((e) => `unreachable: ${e}\n`).join(''));
    if (o.apply !== undefined) return await apply(g.conns, report, o);
    return report.findings.length || g.errors.length ? 1 : 0;
  } finally {
    await Promise.all(g.conns.map((c) => c.close()));
  }
}
