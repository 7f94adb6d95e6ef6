/**
 * The trace panel's "Verify on the Nodes" button (the only verify code in the extension; the core is
 * src/core/trace/verify.ts). After a modal confirmation naming the probe, it sends one real packet along the
 * traced path and reads counters (read-only) on every namespace the path crosses; the report goes back to the
 * panel (media/traceVerify.js) which shows the observed path beside the predicted one.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { LiveNode } from '../core/trace/live';
import type { TraceRequest } from '../core/trace/types';
import { verifyLive, type VerifyReport } from '../core/trace/verify';
import type { NodeManager } from './nodes';

export interface VerifyDeps {
  nodes: NodeManager;
  log: Logger;
}

/** Asks, then verifies; undefined when the user declines or cancels. Errors are thrown to the panel. */
export async function verifyOnNodes(deps: VerifyDeps, req: TraceRequest, whatIf?: { text: string; source: string }): Promise<VerifyReport | undefined> {
  const ok = await vscode.window.showWarningMessage(
    `Verify on the nodes: send one real ${(req.proto ?? 'tcp').toUpperCase()} probe from ${req.from} to ${req.to}?`,
    {
      modal: true,
      detail:
        'From the source task\'s namespace (or a node standing in for an external client), using python3, nc or bash on that node. ' +
        'Before and after, `iptables-save -c` and `ip -s -j link` are read in every namespace on the path. No rule is added or changed.',
    },
    'Send Probe',
  );
  if (ok !== 'Send Probe') return undefined;
  const live: LiveNode[] = deps.nodes.all().flatMap((s) => (s.status === 'ok' && s.model ? [{ model: s.model, runner: s.conn?.runner }] : []));
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Swarm: verifying the trace on the nodes', cancellable: true }, async (_p, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    const report = await verifyLive(live, req, { signal: ac.signal, whatIf });
    deps.log.info(`verify ${req.from} → ${req.to}: ${report.firstDifference ? `differs at hop ${report.firstDifference.id}` : report.agrees ? 'observed = predicted' : 'not verified'}`);
    return report;
  });
}
