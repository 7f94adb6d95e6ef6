/**
 * The trace panel's "Verify on the Nodes" buttons (the only verify code in the extension; the core is
 * src/core/trace/verify.ts). After a modal confirmation naming the probe (and, for TRACE, the exact commands), it sends one real packet along the
 * traced path and reads counters (read-only) on every namespace the path crosses; the report goes back to the
 * panel (media/traceVerify.js) which shows the observed path beside the predicted one.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { LiveNode } from '../core/trace/live';
import type { TraceRequest } from '../core/trace/types';
import { planVerification, runVerification, traceCommandsFor, type VerifyReport } from '../core/trace/verify';
import type { NodeManager } from './nodes';

export interface VerifyDeps {
  nodes: NodeManager;
  log: Logger;
}

/**
 * Asks, then verifies; undefined when the user declines or cancels. Errors are thrown to the panel.
 * mode "trace": the rules are gathered and the path predicted first, so that the confirmation lists the exact
 * TRACE commands that may run (only where a raw table already exists; removed afterwards).
 */
export async function verifyOnNodes(deps: VerifyDeps, req: TraceRequest, whatIf: { text: string; source: string } | undefined, mode: 'counters' | 'trace'): Promise<VerifyReport | undefined> {
  const live: LiveNode[] = deps.nodes.all().flatMap((s) => (s.status === 'ok' && s.model ? [{ model: s.model, runner: s.conn?.runner }] : []));
  const probe = `send one real ${(req.proto ?? 'tcp').toUpperCase()} probe from ${req.from} to ${req.to}`;
  const reads = 'Before and after, `iptables-save -c` and `ip -s -j link` are read in every namespace on the path.';
  const progress = { location: vscode.ProgressLocation.Notification, title: 'Swarm: verifying the trace on the nodes', cancellable: true };
  if (mode === 'counters') {
    const detail = `From the source task's namespace (or a node standing in for an external client), using python3, nc or bash on that node. ${reads} No rule is added or changed.`;
    if ((await vscode.window.showWarningMessage(`Verify on the nodes: ${probe}?`, { modal: true, detail }, 'Send Probe')) !== 'Send Probe') return undefined;
  }
  return vscode.window.withProgress(progress, async (_p, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    const opts = { signal: ac.signal, whatIf, mode };
    const plan = await planVerification(live, req, opts);
    if (mode === 'trace') {
      const detail = `${reads} These commands may run (each TRACE rule is deleted right after the probe; namespaces without a raw table are skipped):\n\n${traceCommandsFor(plan).join('\n')}`;
      if ((await vscode.window.showWarningMessage(`Verify with TRACE rules: ${probe} and add these TRACE rules for it?`, { modal: true, detail }, 'Add TRACE Rules and Send')) !== 'Add TRACE Rules and Send') return undefined;
    }
    const report = await runVerification(plan, opts);
    deps.log.info(`verify ${req.from} → ${req.to}: ${report.firstDifference ? `differs at hop ${report.firstDifference.id}` : report.agrees ? 'observed = predicted' : 'not verified'}`);
    return report;
  });
}
