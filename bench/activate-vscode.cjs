// Child process of bench/activate.ts: loads an extension bundle with a minimal stand-in for the `vscode` module,
// calls activate(), and prints {"requireMs":…,"activateMs":…}. Plain CommonJS so that no TypeScript loader hook
// sits in the way of the require being timed.
//
// The stand-in: the parts activation reads (configuration defaults, no open documents, a hidden view) are
// explicit; anything else is an inert callable object (its members and results are inert too, events return
// disposables), so that new API calls in activate() do not break the bench. Nothing contacts a node: the view is
// not visible and no iptables document is open.
'use strict';
const Module = require('node:module');
const { dirname, join } = require('node:path');

/** A function-object whose every member, call result and construction is inert as well. */
function inert(name) {
  const members = new Map();
  const target = function () { return inert(`${name}()`); };
  return new Proxy(target, {
    get(t, p) {
      if (p === 'then') return undefined; // not a thenable: `await inert` must not hang
      if (p === Symbol.iterator) return function* () { /* empty */ };
      if (p === Symbol.toPrimitive) return () => '';
      if (p === 'prototype') return t.prototype;
      if (typeof p === 'symbol') return undefined;
      if (!members.has(p)) members.set(p, inert(`${name}.${p}`));
      return members.get(p);
    },
    set(t, p, v) { members.set(p, v); return true; },
    // `class X extends vscode.TreeItem` must get an object with X's prototype
    construct(t, args, newTarget) { return Reflect.construct(Object, [], newTarget); },
  });
}

/** `explicit` with an inert fallback for every member it does not define. */
function withFallback(explicit, name) {
  return new Proxy(explicit, {
    get(t, p) {
      if (p in t) return t[p];
      if (typeof p === 'symbol' || p === 'then') return undefined;
      t[p] = inert(`${name}.${p}`);
      return t[p];
    },
  });
}

const disposable = () => ({ dispose() { /* nothing */ } });
const event = () => disposable;
class EventEmitter {
  constructor() { this.event = () => disposable(); }
  fire() { /* nothing listens */ }
  dispose() { /* nothing */ }
}
const configuration = () => withFallback({
  get: (_key, def) => def,
  has: () => false,
  inspect: () => undefined,
  update: async () => undefined,
}, 'WorkspaceConfiguration');

const vscode = withFallback({
  EventEmitter,
  Disposable: class { constructor(fn) { this.dispose = fn; } static from(...d) { return { dispose: () => d.forEach((x) => x.dispose()) }; } },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  workspace: withFallback({
    getConfiguration: configuration,
    textDocuments: [],
    workspaceFolders: undefined,
    onDidChangeConfiguration: event(),
    onDidOpenTextDocument: event(),
    onDidCloseTextDocument: event(),
    registerTextDocumentContentProvider: disposable,
  }, 'workspace'),
  window: withFallback({
    createOutputChannel: () => withFallback({ appendLine() {}, append() {}, show() {}, dispose() {} }, 'OutputChannel'),
    createTreeView: () => withFallback({ visible: false, onDidChangeVisibility: event(), dispose() {} }, 'TreeView'),
    activeTextEditor: undefined,
    visibleTextEditors: [],
  }, 'window'),
  commands: withFallback({ registerCommand: disposable, executeCommand: async () => undefined }, 'commands'),
}, 'vscode');

/** What the bundle asked node for (built-ins and externals): shows which dependencies activation evaluated. */
const requested = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  requested.add(request);
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const bundle = process.argv[2];
const root = dirname(dirname(bundle));
const memento = () => withFallback({ get: (_k, d) => d, update: async () => undefined, keys: () => [] }, 'Memento');
const context = withFallback({
  subscriptions: [],
  extensionPath: root,
  asAbsolutePath: (p) => join(root, p),
  secrets: withFallback({ get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event() }, 'secrets'),
  globalState: memento(),
  workspaceState: memento(),
}, 'ExtensionContext');

(async () => {
  const t0 = performance.now();
  const ext = require(bundle);
  const t1 = performance.now();
  await ext.activate(context);
  const t2 = performance.now();
  requested.delete(bundle);
  console.log(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, requested: [...requested].sort() }));
  // the extension may have started timers (none should run at activation); the bench is done
  process.exit(0);
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(2);
});
