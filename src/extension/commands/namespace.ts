/** Namespace commands: run a command in a namespace (read-only output document), re-run it. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { NS_SCHEME, pickAndRun } from '../nsDocs';
import type { Element } from '../tree/types';
import { namespaceLabel } from '../../core/present';

/** Namespace picker: sandboxes by their task name, grouped by node. */
export async function pickNamespace(ctx: Ctx): Promise<{ node: string; ns: string } | undefined> {
  if (ctx.nodes.models().length === 0) await ctx.nodes.refreshAll();
  const items = ctx.nodes.models().flatMap((m) =>
    m.namespaces.map((ns) => {
      const label = namespaceLabel(ns);
      return { label, description: `${m.name} · ${ns.kind}${label !== ns.name ? ` · ${ns.name}` : ''}`, node: m.name, ns: ns.name };
    }),
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'Run in which namespace?', matchOnDescription: true });
  return pick ? { node: pick.node, ns: pick.ns } : undefined;
}

export function namespaceCommands(ctx: Ctx): Record<string, (...args: never[]) => unknown> {
  return {
    'swarmnet.runInNamespace': async (e?: Element) => {
      const target = e?.kind === 'namespace' ? { node: e.node, ns: e.ns.name } : await pickNamespace(ctx);
      if (target) await pickAndRun(ctx.docs, target.node, target.ns);
    },
    'swarmnet.rerun': (uri?: vscode.Uri) => {
      const u = uri ?? vscode.window.activeTextEditor?.document.uri;
      return u && u.scheme === NS_SCHEME ? ctx.docs.rerun(u) : undefined;
    },
  };
}
