/** Trace commands: trace a packet through the live swarm, or with the DOCKER-USER rules in the editor (what if). */
import * as vscode from 'vscode';
import { config } from '../config';
import type { Ctx } from '../ctx';
import { heavy } from '../lazy';
import type { RulesCache } from '../traceRules';
import type { Element } from '../tree/types';

export function traceCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  // The tracer and the rules cache load with the first trace.
  let rules: RulesCache | undefined;
  const load = async () => {
    const h = await heavy();
    rules ??= new h.RulesCache();
    return { traceCommand: h.traceCommand, deps: { context: ctx.ext, nodes: ctx.nodes, dumps: ctx.dumps, log: ctx.log, rules, perNodeTimeoutMs: config.commandTimeoutMs() } };
  };
  return {
    'swarmnet.tracePacket': async (e?: Element) => {
      const { traceCommand, deps } = await load();
      return traceCommand(deps, e);
    },
    'swarmnet.traceWhatIf': async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || doc.languageId !== 'iptables') {
        void vscode.window.showWarningMessage('Open a DOCKER-USER rules file (language "iptables") to trace with it.');
        return undefined;
      }
      const { traceCommand, deps } = await load();
      return traceCommand(deps, undefined, { text: doc.getText(), source: `what-if ${vscode.workspace.asRelativePath(doc.uri)}` });
    },
  };
}
