/**
 * "Trace Packet…" and "Trace with this DOCKER-USER file (what if)": asks source and destination (prefilled from
 * the element the command was run on), gathers the live rules of every connected node, runs the core tracer and
 * shows the result in the trace webview. Clicking a hop opens the namespace's rule dump at the deciding line.
 */
import * as vscode from 'vscode';
import type { NodeModel } from '../core/model';
import { traceScenario, type LiveNode } from '../core/trace/live';
import { nodesOnPath, type RulesCache } from './traceRules';
import type { Hop, HopRule, ScenarioNode, TraceRequest, TraceResult } from '../core/trace/types';
import type { Logger } from '../core/log';
import type { NodeManager } from './nodes';
import type { Element } from './tree/types';
import { closeEmptyTracePanel, prepareTracePanel, showTrace } from './traceView';
import { verifyOnNodes } from './traceVerify';
import { own } from '../core/record';
import { namespaceLabel, withTaskNames } from '../core/present';
import type { DumpDocuments } from './dumps';
import { withProgressAfter } from './progress';
import { shortTaskNamesIn } from './shortName';

const EXTERNAL_CLIENT = '203.0.113.7';
/** The characters a namespace box of the diagram has room for (media/trace.js: 200 px at 12 px). */
const DIAGRAM_BOX_CHARS = 26;

interface Choice extends vscode.QuickPickItem {
  value: string;
  entryNode?: string;
}

/** The address of a task or address row the command was run on. */
function pickedAddress(el: Element | undefined): { ip: string; label: string } | undefined {
  if (el?.kind === 'address' && el.ip) return { ip: el.ip, label: el.label };
  if (el?.kind === 'task' && el.ip) return { ip: el.ip, label: `${el.svc.name}.${el.task.slot ?? el.task.id.slice(0, 6)}` };
  return undefined;
}

function sources(models: NodeModel[], el: Element | undefined): Choice[] {
  const out: Choice[] = [{ label: `$(globe) external client ${EXTERNAL_CLIENT}`, description: 'a client outside the swarm (type another IP to change it)', value: EXTERNAL_CLIENT }];
  for (const m of models) {
    for (const ns of m.namespaces) {
      if (ns.kind !== 'task' && ns.kind !== 'container') continue;
      const ip = ns.interfaces.flatMap((i) => i.addresses).find((a) => a.family === 'inet' && a.address !== '127.0.0.1')?.address;
      for (const c of ns.containers) out.push({ label: `$(package) ${c.name}`, description: `${m.name} · ${ip ?? ns.name}`, value: c.name });
    }
  }
  const picked = pickedAddress(el);
  if (picked) out.unshift({ label: `$(target) ${picked.ip}`, description: `${picked.label} · the item you picked`, value: picked.ip });
  if (el?.kind === 'namespace') {
    const c = el.ns.containers[0];
    const v = c?.name ?? el.ns.name;
    out.unshift({ label: `$(target) ${v}`, description: `${el.node} · the namespace you picked`, value: v });
  }
  return out;
}

function destinations(models: NodeModel[], el: Element | undefined): Choice[] {
  const out: Choice[] = [];
  for (const m of models) {
    const addr = m.swarm?.nodeAddr;
    for (const s of m.services) {
      for (const p of s.ports) {
        if (p.publishedPort === undefined || !addr) continue;
        out.push({ label: `$(plug) ${addr}:${p.publishedPort}`, description: `${s.name}: published ${p.protocol} ${p.publishedPort}→${p.targetPort} on ${m.name}`, value: `${addr}:${p.publishedPort}`, entryNode: m.name });
      }
      for (const v of s.vips) {
        const port = s.ports[0]?.targetPort;
        out.push({ label: `$(server-process) ${s.name}${port ? `:${port}` : ''}`, description: `VIP ${v.addr.split('/')[0]} (internal load balancing)`, value: `${s.name}${port ? `:${port}` : ''}` });
      }
    }
    for (const ns of m.namespaces) {
      if (ns.kind !== 'task' && ns.kind !== 'container') continue;
      for (const a of ns.interfaces.flatMap((i) => i.addresses)) {
        if (a.family !== 'inet' || a.address === '127.0.0.1') continue;
        out.push({ label: `$(package) ${a.address}`, description: `${ns.containers[0]?.name ?? ns.name} on ${m.name}`, value: a.address });
      }
    }
  }
  const seen = new Set<string>();
  const uniq = out.filter((c) => (seen.has(c.value + (c.entryNode ?? '')) ? false : (seen.add(c.value + (c.entryNode ?? '')), true)));
  if (el?.kind === 'port') {
    const p = el.port.publishedPort;
    const first = p !== undefined ? uniq.filter((c) => c.entryNode && c.value.endsWith(`:${p}`)) : [];
    return [...first, ...uniq.filter((c) => !first.includes(c))];
  }
  const picked = pickedAddress(el);
  if (picked) {
    const first: Choice[] = [{ label: `$(target) ${picked.ip}`, description: `${picked.label} · the item you picked`, value: picked.ip }];
    return [...first, ...uniq];
  }
  if (el?.kind === 'service') {
    const first = uniq.filter((c) => c.description?.startsWith(`${el.svc.name}:`) || c.label.includes(` ${el.svc.name}`));
    return [...first, ...uniq.filter((c) => !first.includes(c))];
  }
  return uniq;
}

/** A quick pick that also accepts what the user typed when nothing matches. */
function pick(title: string, items: Choice[], placeholder: string): Promise<Choice | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Choice>();
    qp.title = title;
    qp.placeholder = placeholder;
    qp.items = items;
    qp.matchOnDescription = true;
    // the trace panel starts beside the pickers (preserveFocus): its webview loading must not close them
    qp.ignoreFocusOut = true;
    let done = false;
    const finish = (c: Choice | undefined): void => {
      if (done) return;
      done = true;
      resolve(c);
      qp.hide();
    };
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0] ?? qp.activeItems[0];
      finish(sel ?? (qp.value.trim() ? { label: qp.value.trim(), value: qp.value.trim() } : undefined));
    });
    qp.onDidHide(() => {
      finish(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

export interface TraceDeps {
  context: vscode.ExtensionContext;
  nodes: NodeManager;
  dumps: DumpDocuments;
  log: Logger;
  rules: RulesCache;
  /** The node command timeout (setting); one node's rules get at most this, capped at 8 s. */
  perNodeTimeoutMs?: number;
}

/** Asks source/destination; returns undefined when the user cancels. */
export async function askTraceRequest(models: NodeModel[], el?: Element): Promise<TraceRequest | undefined> {
  const from = await pick('Trace packet: from', sources(models, el), 'a client IP, a task/container name, or pick one');
  if (!from) return undefined;
  const to = await pick('Trace packet: to', destinations(models, el), 'host:published port, service[:port], or a task IP:port');
  if (!to) return undefined;
  const proto = await vscode.window.showQuickPick(['tcp', 'udp'], { title: 'Trace packet: protocol', ignoreFocusOut: true });
  if (!proto) return undefined;
  return { from: from.value, to: to.value, proto, entryNode: to.entryNode };
}

/** A trace that takes longer than this shows a progress notification (with Cancel). */
const PROGRESS_AFTER_MS = 500;

/** One node's rules may take this long at most (the node's command timeout, capped): a hung node delays nobody. */
const PER_NODE_MAX_MS = 8000;

export async function gatherAndTrace(deps: TraceDeps, req: TraceRequest, whatIf: { text: string; source: string } | undefined, signal: AbortSignal): Promise<{ result: TraceResult; parts: ScenarioNode[] } | undefined> {
  const { nodes, log } = deps;
  const live: LiveNode[] = [];
  const notes: string[] = [];
  for (const s of nodes.all()) {
    if (s.status === 'ok' && s.model) live.push({ model: s.model, runner: s.conn?.runner });
    else notes.push(`${s.config.name}: not traced (${s.error ?? s.status})`);
  }
  const perNodeTimeoutMs = Math.min(deps.perNodeTimeoutMs ?? PER_NODE_MAX_MS, PER_NODE_MAX_MS);
  const run = async (only?: Set<string>) => {
    const { scenario, diagnostics } = await deps.rules.scenario(live, { signal, perNodeTimeoutMs, only });
    scenario.notes = [...(scenario.notes ?? []), ...notes];
    const { result } = traceScenario(scenario, req, whatIf);
    result.diagnostics.push(...diagnostics);
    return { result, parts: scenario.nodes };
  };
  let out: Awaited<ReturnType<typeof run>>;
  if (deps.rules.warmFor(live)) {
    // Warm: the previous rules show the path; gather again only the nodes on it, then trace with them.
    const first = await run(new Set());
    const path = nodesOnPath(first.result);
    out = await run(path);
    log.info(`trace: nodes on the path ${[...path].join(', ') || '(none)'}: rules gathered again; others from the previous trace`);
  } else out = await run();
  log.info(`trace: rules per node (ms): ${JSON.stringify(deps.rules.lastTimings)}`);
  return signal.aborted ? undefined : out;
}

/**
 * Task sandboxes by their task name in the diagram (`nsLabel`, shown instead of the hex namespace name; the
 * diagram's boxes show `nsShort`, shortened in the middle, with `nsLabel` as their tooltip).
 */
export function labelNamespaces(result: TraceResult, models: NodeModel[]): void {
  const walk = (p: TraceResult['path']): void => {
    for (const h of p.hops) {
      const ns = models.find((m) => m.name === h.node)?.namespaces.find((n) => n.name === h.namespace);
      const label = ns ? namespaceLabel(ns) : h.namespace;
      const named = h as Hop & { nsLabel?: string; nsShort?: string };
      if (label !== h.namespace) named.nsLabel = label;
      named.nsShort = shortTaskNamesIn(label, DIAGRAM_BOX_CHARS);
    }
    for (const b of p.branches) walk(b.path);
  };
  walk(result.path);
}

export async function traceCommand(deps: TraceDeps, el?: Element, whatIf?: { text: string; source: string }): Promise<TraceResult | undefined> {
  const { nodes, log } = deps;
  // The models already discovered are used as they are; only when there are none (the pickers need them) discover first.
  if (nodes.models().length === 0) await nodes.refreshAll();
  // the panel opens with the pickers: VS Code starts a new webview in about a second, while the user answers them
  prepareTracePanel(deps.context, 'Trace', (l) => log.info(l));
  const req = await askTraceRequest(nodes.models(), el);
  if (!req) {
    closeEmptyTracePanel();
    return undefined;
  }
  const t0 = Date.now();
  return withProgressAfter('Swarm: tracing', 'gathering the rules of the nodes', PROGRESS_AFTER_MS, async (signal) => {
    const got = await gatherAndTrace(deps, req, whatIf, signal).catch((e: unknown) => {
      closeEmptyTracePanel();
      throw e;
    });
    if (!got) {
      closeEmptyTracePanel();
      return undefined;
    }
    const tTraced = Date.now();
    labelNamespaces(got.result, nodes.models());
    log.info(`trace ${req.from} → ${req.to}: ${got.result.summary.join('; ') || 'no result'}`);
    showTrace(deps.context, {
      result: got.result,
      shown: withTaskNames(got.result, nodes.models()),
      openRule: (hop, rule) => void openRule(deps, got.parts, hop, rule),
      verify: (mode) => verifyOnNodes(deps, req, whatIf, mode),
      requestedAt: t0,
      log: (l) => log.info(l),
    });
    log.info(`trace: diagram posted to the panel ${Date.now() - t0} ms after the request (rules and trace ${tTraced - t0} ms)`);
    return got.result;
  });
}

async function openRule(deps: TraceDeps, parts: ScenarioNode[], hop: Hop, rule?: HopRule): Promise<void> {
  const node = parts.find((p) => p.model.name === hop.node);
  const dumps = node ? own(node.dumps, hop.namespace) : undefined;
  const dump = dumps?.rules.find((d) => d.source === rule?.source) ?? dumps?.rules[0];
  if (!dump) {
    void vscode.window.showInformationMessage(`${hop.node}/${hop.namespace}: no rule dump behind this hop (${hop.title})`);
    return;
  }
  const uri = deps.dumps.uriFor(hop.node, hop.namespace, dump.source, dump.text);
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'iptables');
  const line = Math.max(0, (rule?.line ?? 1) - 1);
  const range = new vscode.Range(line, 0, line, doc.lineAt(Math.min(line, doc.lineCount - 1)).text.length);
  await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.Beside, preview: true });
}
