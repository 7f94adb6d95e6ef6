/** `swarmnet discover` and `swarmnet run`: discovery and run-in-namespace from a terminal. */
import { Correlator } from '../core/correlate';
import { discoverNode } from '../core/discovery';
import type { NodeModel } from '../core/model';
import { commandFromArgv, runInNamespace } from '../core/nsexec';
import { fdbLabel, interfaceDescription, interfaceLabel, namespaceDescription, networkDescription, nodeDescription, serviceDescription } from '../core/present';
import { connectAll, takeNodeOptions } from './nodes';

export function renderModels(models: NodeModel[], errors: { node: string; error: string }[]): string {
  const corr = new Correlator(models);
  const out: string[] = [];
  for (const m of models) {
    out.push(`node ${m.name}: ${nodeDescription(m)} (discovered in ${m.discoveryMs} ms)`);
    out.push('  networks:');
    for (const n of m.networks) out.push(`    ${n.name}  ${networkDescription(n)}`);
    out.push('  namespaces:');
    for (const ns of m.namespaces) {
      out.push(`    ${ns.name}  ${namespaceDescription(m, ns)}`);
      for (const i of ns.interfaces) out.push(`      ${interfaceLabel(i)}  ${interfaceDescription(ns, i)}`);
      for (const f of ns.fdb.filter((e) => e.dst)) {
        const l = fdbLabel(f, corr, ns.networkId);
        out.push(`      fdb ${l.label}  ${l.description}`);
      }
    }
    if (m.services.length) out.push('  services:');
    for (const s of m.services) out.push(`    ${s.name}  ${serviceDescription(s)}`);
    for (const d of m.diagnostics) out.push(`  ${d.severity}: [${d.source}] ${d.message}${d.excerpt ? ` — ${d.excerpt}` : ''}`);
  }
  for (const e of errors) out.push(`node ${e.node}: ERROR ${e.error}`);
  return `${out.join('\n')}\n`;
}

export async function discoverCommand(args: string[]): Promise<number> {
  const o = await takeNodeOptions(args);
  const json = args.includes('--json');
  const conns = await connectAll(o);
  const errors: { node: string; error: string }[] = [];
  const models: NodeModel[] = [];
  await Promise.all(
    conns.map(async (c) => {
      if (!c.conn) {
        errors.push({ node: c.config.name, error: c.error ?? 'not connected' });
        return;
      }
      try {
        models.push(await discoverNode(c.conn));
      } catch (e) {
        errors.push({ node: c.config.name, error: e instanceof Error ? e.message : String(e) });
      } finally {
        await c.conn.close();
      }
    }),
  );
  models.sort((a, b) => a.name.localeCompare(b.name));
  process.stdout.write(json ? `${JSON.stringify({ nodes: models, errors }, null, 2)}\n` : renderModels(models, errors));
  return errors.length ? 1 : 0;
}

export async function runCommand(args: string[]): Promise<number> {
  const sep = args.indexOf('--');
  if (sep < 1 || sep === args.length - 1) {
    process.stderr.write('usage: swarmnet run <namespace|host> [node flags] -- <command...>\n');
    return 2;
  }
  const cmdArgs = args.slice(sep + 1);
  const head = args.slice(0, sep);
  const ns = head.shift() as string;
  const o = await takeNodeOptions(head);
  const conns = await connectAll(o);
  let rc = 0;
  for (const c of conns) {
    if (!c.conn?.runner) {
      process.stderr.write(`${c.config.name}: ${c.error ?? 'no command access (Docker API only)'}\n`);
      rc = 1;
      continue;
    }
    try {
      const cmd = commandFromArgv(cmdArgs);
      const out = await runInNamespace(c.conn.runner, ns, cmd);
      if (conns.length > 1) process.stdout.write(`==> ${c.config.name}/${ns}: ${cmd.label}\n`);
      process.stdout.write(out.text);
      if (!out.ok) rc = 1;
    } catch (e) {
      process.stderr.write(`${c.config.name}: ${e instanceof Error ? e.message : String(e)}\n`);
      rc = 1;
    } finally {
      await c.conn.close();
    }
  }
  return rc;
}
