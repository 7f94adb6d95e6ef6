/**
 * Extension entry: thin wiring of the core into VS Code. Activation is lazy (the view, a command or an
 * iptables document) and cheap: no node is contacted until the view is shown or a command asks.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectHooks, NodeConfig } from '../core/connect';
import { makeLogger, type LogLevel, type Logger } from '../core/log';
import { NodeManager } from './nodes';
import { NsDocumentProvider, NS_SCHEME, pickAndRun } from './nsDocs';
import { SwarmTreeProvider, type Element } from './tree';
import { makeHostKeyVerifier } from './hostKeys';
import { addNodesFrom, addWholeSwarm, type NodeSourcesContext } from './nodeSources';
import type { LanguageClient } from 'vscode-languageclient/node';
import { lintContextFromModel } from '../core/lint/fromModel';
import { DumpDocuments, DUMP_SCHEME, traceCommand } from './trace';

let log: Logger;

export function activate(context: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const channel = vscode.window.createOutputChannel('Swarm Network');
  context.subscriptions.push(channel);
  log = makeLogger((l) => channel.appendLine(l), () => vscode.workspace.getConfiguration('swarmnet').get<LogLevel>('logLevel', 'info'));

  const hooks = (node: NodeConfig): ConnectHooks => {
    const cfg = vscode.workspace.getConfiguration('swarmnet');
    return {
      verifyHostKey: makeHostKeyVerifier(log, node.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts')),
      getPassphrase: (node) => passphraseFor(context, node),
      agentSocket: process.env.SSH_AUTH_SOCK,
      timeoutMs: cfg.get<number>('commandTimeoutMs', 15000),
      maxOutputBytes: cfg.get<number>('maxOutputBytes', 16 * 1024 * 1024),
      logger: log,
    };
  };
  const nodes = new NodeManager(hooks, log);
  context.subscriptions.push(nodes);
  const tree = new SwarmTreeProvider(nodes);
  const view = vscode.window.createTreeView('swarmnet.explorer', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view);

  let discoveredOnce = false;
  const refreshAll = (): Thenable<void> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Swarm: discovering nodes', cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const all = nodes.all();
      let done = 0;
      await Promise.all(
        all.map(async (s) => {
          await nodes.refreshNode(s.config.name, ac.signal);
          done += 1;
          progress.report({ message: `${done}/${all.length} ${s.config.name}`, increment: 100 / Math.max(1, all.length) });
        }),
      );
    });
  const firstDiscovery = (): void => {
    if (discoveredOnce) return;
    discoveredOnce = true;
    const t = Date.now();
    tree.firstRender = () => log.info(`first tree render ${Date.now() - t} ms after the view became visible`);
    void refreshAll();
  };
  if (view.visible) firstDiscovery();
  context.subscriptions.push(view.onDidChangeVisibility((e) => e.visible && firstDiscovery()));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('swarmnet.nodes') || e.affectsConfiguration('swarmnet.includeLocalNode') ? (nodes.reloadConfig(), void refreshAll()) : undefined));

  const docs = new NsDocumentProvider(nodes, log);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(NS_SCHEME, docs));

  const reg = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };
  reg('swarmnet.refresh', () => refreshAll());
  reg('swarmnet.refreshNode', (e?: Element) => (e && 'node' in e ? nodes.refreshNode(e.node) : refreshAll()));
  reg('swarmnet.showLog', () => channel.show());
  reg('swarmnet.addNode', () => addNode(context));
  reg('swarmnet.removeNode', (e?: Element) => removeNode(context, e && 'node' in e ? e.node : undefined));
  reg('swarmnet.runInNamespace', async (e?: Element) => {
    const target = e && e.t === 'namespace' ? { node: e.node, ns: e.ns.name } : await pickNamespace(nodes);
    if (target) await pickAndRun(docs, target.node, target.ns);
  });
  const dumps = new DumpDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, dumps));
  const traceDeps = { context, nodes, dumps, log };
  reg('swarmnet.tracePacket', (e?: Element) => traceCommand(traceDeps, e));
  reg('swarmnet.traceWhatIf', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'iptables') {
      void vscode.window.showWarningMessage('Open a DOCKER-USER rules file (language "iptables") to trace with it.');
      return undefined;
    }
    return traceCommand(traceDeps, undefined, { text: doc.getText(), source: `what-if ${vscode.workspace.asRelativePath(doc.uri)}` });
  });
  // The linter's language server starts with the first iptables document, not at activation.
  let client: LanguageClient | undefined;
  const lsp = async (): Promise<LanguageClient> => {
    if (!client) {
      const { startLanguageClient } = await import('./lsp');
      client = startLanguageClient(context);
    }
    return client;
  };
  const isRules = (d: vscode.TextDocument): boolean => d.languageId === 'iptables';
  if (vscode.workspace.textDocuments.some(isRules)) void lsp();
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => (isRules(d) && !client ? void lsp() : undefined)));
  reg('swarmnet.associateNode', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !isRules(doc)) {
      void vscode.window.showWarningMessage('Open a DOCKER-USER rules file (language "iptables") first.');
      return;
    }
    if (nodes.models().length === 0) await nodes.refreshAll();
    const items = [{ label: '$(close) No node', description: 'lint without node facts', node: '' }, ...nodes.models().map((m) => ({ label: m.name, description: m.hostname ?? '', node: m.name }))];
    const pick = await vscode.window.showQuickPick(items, { title: 'Lint this rules file against which node?' });
    if (!pick) return;
    const { sendNodeContext } = await import('./lsp');
    if (!pick.node) return sendNodeContext(await lsp(), doc.uri, undefined);
    const model = nodes.models().find((m) => m.name === pick.node);
    if (!model) return;
    let filter: string | undefined;
    try {
      const conn = await nodes.connection(model.name);
      const r = conn.runner ? await conn.runner.run(['iptables-save', '-t', 'filter']) : undefined;
      filter = r && r.code === 0 ? r.stdout : undefined;
      if (r && r.code !== 0) log.warn(`${model.name}: iptables-save -t filter failed: ${r.stderr.trim()}`);
    } catch (e) {
      log.warn(`${model.name}: current filter rules unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
    await sendNodeContext(await lsp(), doc.uri, lintContextFromModel(model, nodes.models(), filter));
    void vscode.window.setStatusBarMessage(`Swarm linter: ${vscode.workspace.asRelativePath(doc.uri)} ↔ ${model.name}`, 5000);
  });
  const sourcesCtx: NodeSourcesContext = {
    log,
    existing: () => vscode.workspace.getConfiguration('swarmnet').get<NodeConfig[]>('nodes', []),
    hooks: () => hooks({ name: 'manager', transport: 'ssh' }),
  };
  const addAll = async (configs: NodeConfig[]): Promise<void> => {
    if (configs.length === 0) return;
    await saveNodes((list) => [...list.filter((n) => !configs.some((c) => c.name === n.name)), ...configs]);
    log.info(`added ${configs.length} node(s): ${configs.map((c) => c.name).join(', ')}`);
  };
  reg('swarmnet.addNodesFrom', async () => addAll(await addNodesFrom(sourcesCtx)));
  reg('swarmnet.addWholeSwarm', async () => addAll(await addWholeSwarm(sourcesCtx)));
  reg('swarmnet.rerun', (uri?: vscode.Uri) => {
    const u = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (u && u.scheme === NS_SCHEME) return docs.rerun(u);
    return undefined;
  });

  log.info(`activated in ${Date.now() - t0} ms`);
}

async function pickNamespace(nodes: NodeManager): Promise<{ node: string; ns: string } | undefined> {
  if (nodes.models().length === 0) await nodes.refreshAll();
  const items = nodes.models().flatMap((m) => m.namespaces.map((ns) => ({ label: ns.name, description: `${m.name} · ${ns.kind}`, node: m.name })));
  const pick = await vscode.window.showQuickPick(items, { title: 'Run in which namespace?', matchOnDescription: true });
  return pick ? { node: pick.node, ns: pick.label } : undefined;
}

async function passphraseFor(context: vscode.ExtensionContext, node: NodeConfig): Promise<string | undefined> {
  const key = `swarmnet.passphrase.${node.name}`;
  const stored = await context.secrets.get(key);
  if (stored !== undefined) return stored;
  const entered = await vscode.window.showInputBox({ title: `Passphrase for ${node.keyPath}`, prompt: `Node ${node.name}: the key is encrypted. The passphrase is kept in VS Code's secret storage.`, password: true, ignoreFocusOut: true });
  if (entered !== undefined) await context.secrets.store(key, entered);
  return entered;
}

async function addNode(context: vscode.ExtensionContext): Promise<void> {
  const transport = await vscode.window.showQuickPick(
    [
      { label: 'SSH', description: 'commands and the Docker API over SSH (recommended)', value: 'ssh' as const },
      { label: 'Docker API', description: 'tcp://host:2376 with TLS, or a socket path (no namespace details)', value: 'docker' as const },
    ],
    { title: 'Add Swarm node: how to reach it' },
  );
  if (!transport) return;
  const ask = (prompt: string, value?: string, validate?: (v: string) => string | undefined): Thenable<string | undefined> =>
    vscode.window.showInputBox({ title: 'Add Swarm node', prompt, value, ignoreFocusOut: true, validateInput: validate });
  const nonEmpty = (v: string): string | undefined => (v.trim() ? undefined : 'required');
  let node: NodeConfig;
  if (transport.value === 'ssh') {
    const host = await ask('Host name or address', undefined, nonEmpty);
    if (!host) return;
    const user = await ask('User (root, or a user allowed to run `sudo -n` for nsenter/iptables)', 'root', nonEmpty);
    if (!user) return;
    const port = await ask('SSH port', '22', (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'a port number'));
    if (!port) return;
    const keyPath = await ask('Private key file (empty: use ssh-agent)', join(homedir(), '.ssh', 'id_ed25519'));
    if (keyPath === undefined) return;
    const name = await ask('Name shown in the tree', host, nonEmpty);
    if (!name) return;
    node = { name, transport: 'ssh', host, user, port: Number(port), keyPath: keyPath || undefined };
  } else {
    const dockerHost = await ask('Docker host (tcp://host:2376 or unix:///var/run/docker.sock)', 'tcp://', (v) => (/^(tcp|unix):\/\//.test(v) ? undefined : 'tcp://… or unix://…'));
    if (!dockerHost) return;
    const name = await ask('Name shown in the tree', dockerHost.replace(/^\w+:\/\//, ''), nonEmpty);
    if (!name) return;
    node = { name, transport: 'docker', dockerHost };
    if (dockerHost.startsWith('tcp://')) {
      const certDir = await ask('Folder with ca.pem, cert.pem, key.pem for TLS (empty: no TLS)', join(homedir(), '.docker'));
      if (certDir) Object.assign(node, { tlsCaPath: join(certDir, 'ca.pem'), tlsCertPath: join(certDir, 'cert.pem'), tlsKeyPath: join(certDir, 'key.pem') });
    }
  }
  await saveNodes((list) => [...list.filter((n) => n.name !== node.name), node]);
  void context;
}

async function removeNode(context: vscode.ExtensionContext, name: string | undefined): Promise<void> {
  if (!name) return;
  if (name === 'this machine') {
    await vscode.workspace.getConfiguration('swarmnet').update('includeLocalNode', false, vscode.ConfigurationTarget.Global);
    return;
  }
  await saveNodes((list) => list.filter((n) => n.name !== name));
  await context.secrets.delete(`swarmnet.passphrase.${name}`);
}

export async function saveNodes(edit: (list: NodeConfig[]) => NodeConfig[]): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('swarmnet');
  const list = (cfg.get<NodeConfig[]>('nodes', []) ?? []).filter((n) => typeof n === 'object' && n !== null);
  await cfg.update('nodes', edit(list), vscode.ConfigurationTarget.Global);
}

export function deactivate(): void {
  /* subscriptions are disposed by VS Code */
}
