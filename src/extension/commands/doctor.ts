/**
 * Swarm doctor commands: run the doctor over every configured node (the doctor core loads on first use), show
 * the findings view, reveal a finding's tree item, open its evidence (read-only document), offer its fix
 * (commands shown first, run on that node only after confirmation, then the checks again).
 */
import * as vscode from 'vscode';
import type { NodeConnection } from '../../core/discovery';
import type { DoctorReport } from '../../core/doctor/types';
import type { Ctx } from '../ctx';
import type { Element } from '../tree/types';
import { confirmAndApply, type FixableFinding } from '../doctor/confirm';
import { evidenceText } from '../doctor/group';
import { DoctorViewProvider, type DoctorElement } from '../doctor/view';

export const DOCTOR_SCHEME = 'swarmnet-doctor';
type DoctorCore = typeof import('../../core/doctor');
let core: Promise<DoctorCore> | undefined;
const doctorCore = (): Promise<DoctorCore> => (core ??= import('../../core/doctor'));

/** The nodes in the Nodes view's order. */
const nodeOrder = (ctx: Ctx): string[] => ctx.nodes.all().map((s) => s.config.name);

/** Connections to every node that connects; the others are named in the log and the message. */
async function connectAll(ctx: Ctx): Promise<{ conns: NodeConnection[]; failed: string[] }> {
  const names = ctx.nodes.all().map((s) => s.config.name);
  const res = await Promise.allSettled(names.map((n) => ctx.nodes.connection(n)));
  const failed = names.filter((_, i) => res[i].status === 'rejected');
  for (const [i, r] of res.entries()) if (r.status === 'rejected') ctx.log.warn(`doctor: ${names[i]} not reachable: ${String(r.reason)}`);
  return { conns: res.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])), failed };
}

/** The explorer element a finding is about: its namespace, else its network on that node, else the node. */
function targetElement(ctx: Ctx, e: DoctorElement): Element | undefined {
  if (e.kind !== 'finding') return undefined;
  const t = e.finding.target;
  const model = ctx.nodes.get(t.node)?.model;
  const ns = t.namespace ? model?.namespaces.find((n) => n.name === t.namespace) : undefined;
  if (ns) return { kind: 'namespace', node: t.node, ns };
  const net = t.networkId ? model?.networks.find((n) => n.id === t.networkId) : undefined;
  if (net) return { kind: 'network', node: t.node, net };
  return ctx.nodes.get(t.node) ? { kind: 'node', node: t.node } : undefined;
}

export function doctorCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  const view = new DoctorViewProvider();
  const evidence = new Map<string, string>();
  ctx.ext.subscriptions.push(
    vscode.window.createTreeView('swarmnet.doctor', { treeDataProvider: view }),
    vscode.workspace.registerTextDocumentContentProvider(DOCTOR_SCHEME, { provideTextDocumentContent: (u) => evidence.get(u.path) ?? '(this evidence is from an earlier run)' }),
  );
  const run = async (): Promise<DoctorReport | undefined> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Swarm Doctor' }, async (p) => {
      p.report({ message: 'connecting…' });
      const { conns, failed } = await connectAll(ctx);
      if (conns.length === 0) return void vscode.window.showErrorMessage('Swarm Doctor: no node could be reached (see the log).');
      p.report({ message: `gathering from ${conns.length} nodes, probing the underlay…` });
      const { runDoctor } = await doctorCore();
      const { report } = await runDoctor(conns);
      view.show(report, nodeOrder(ctx));
      ctx.log.info(`doctor: ${report.findings.length} findings, ${report.skipped.length} skipped, on ${report.nodes.join(', ')} (checks ${report.durationMs.toFixed(0)} ms)`);
      const lost = failed.length ? ` Not reached: ${failed.join(', ')}.` : '';
      void vscode.window.showInformationMessage(`Swarm Doctor: ${report.findings.length === 0 ? 'no finding' : `${report.findings.length} finding(s)`} on ${conns.length} node(s).${lost}`);
      await vscode.commands.executeCommand('swarmnet.doctor.focus');
      return report;
    });
  return {
    'swarmnet.runDoctor': run,
    'swarmnet.doctor.reveal': async (e?: DoctorElement) => {
      const el = e ? targetElement(ctx, e) : undefined;
      if (!el) return void vscode.window.showInformationMessage('That finding is about something the Nodes view does not show (not discovered).');
      await ctx.view.reveal(el, { select: true, focus: true, expand: true });
    },
    'swarmnet.doctor.openEvidence': async (e?: DoctorElement) => {
      if (e?.kind !== 'finding') return;
      const f = e.finding;
      const path = `/${f.node}/${f.code.replace(/\//g, '-')}-${evidence.size + 1}.txt`;
      evidence.set(path, evidenceText(f));
      await vscode.window.showTextDocument(vscode.Uri.from({ scheme: DOCTOR_SCHEME, path }), { preview: true });
    },
    'swarmnet.doctor.applyFix': async (e?: DoctorElement) => {
      if (e?.kind !== 'finding' || !e.finding.fix) return;
      const result = await confirmAndApply(e.finding as FixableFinding, async (f) => {
        const { applyFix } = await doctorCore();
        const { conns } = await connectAll(ctx);
        const outcome = await applyFix(conns, f);
        view.show(outcome.after, nodeOrder(ctx));
        return outcome;
      });
      ctx.log.info(`doctor fix ${e.finding.code} on ${e.finding.fix.node}: ${result}`);
    },
  };
}
