/** Trace commands: trace a packet through the live swarm, or with the DOCKER-USER rules in the editor (what if). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { Element } from '../tree/types';

export function traceCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  const deps = { context: ctx.ext, nodes: ctx.nodes, dumps: ctx.dumps, log: ctx.log };
  return {
    'swarmnet.tracePacket': async (e?: Element) => (await import('../trace')).traceCommand(deps, e),
    'swarmnet.traceWhatIf': async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || doc.languageId !== 'iptables') {
        void vscode.window.showWarningMessage('Open a DOCKER-USER rules file (language "iptables") to trace with it.');
        return undefined;
      }
      return (await import('../trace')).traceCommand(deps, undefined, { text: doc.getText(), source: `what-if ${vscode.workspace.asRelativePath(doc.uri)}` });
    },
  };
}
