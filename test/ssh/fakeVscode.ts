/**
 * A minimal stand-in for the `vscode` module (window messages, quick picks, input boxes, progress, settings in
 * scopes, commands, tree items) so that extension code can be exercised in plain node tests. Install before
 * requiring the module.
 */
import Module from 'node:module';

export interface FakeQuickPickItem {
  label: string;
  description?: string;
  detail?: string;
  kind?: number;
  picked?: boolean;
}

export type FakeScope = 'user' | 'workspace' | 'folder';

export interface FakeVscode {
  warnings: { message: string; options: unknown; items: string[] }[];
  errors: string[];
  infos: string[];
  statusBar: string[];
  quickPicks: { items: FakeQuickPickItem[]; options: { canPickMany?: boolean; title?: string } }[];
  /** Answer for the next showWarningMessage calls. */
  warningAnswer: string | undefined;
  /** Chooses quick pick results (return undefined = cancelled). */
  pick: (items: FakeQuickPickItem[], canPickMany: boolean) => FakeQuickPickItem[] | FakeQuickPickItem | undefined;
  /** Answers input boxes in order (undefined = cancelled); the prompts asked are recorded. */
  inputs: (string | undefined)[];
  inputPrompts: { title?: string; prompt?: string; value?: string; password?: boolean }[];
  /**
   * Settings returned by workspace.getConfiguration(section).get(key), keyed "section.key". When a key is not
   * here, get() returns the most specific scoped value (folder, workspace, user).
   */
  settings: Record<string, unknown>;
  scopes: Record<FakeScope, Record<string, unknown>>;
  /** Settings writes: key, value, scope. */
  writes: { key: string; value: unknown; scope: FakeScope }[];
  /** When set, settings writes throw this message (like a settings.json that is not valid JSON). */
  failWrites?: string;
  /** One workspace folder when true. */
  hasFolder: boolean;
  commands: Map<string, (...args: unknown[]) => unknown>;
  executed: string[];
  output: string[];
  secrets: Map<string, string>;
  /** Fired by tests: configuration listeners get an event that affects every key. */
  fireConfigChange(): void;
  /** Progress reports (location, title, messages). */
  progress: { location: unknown; title?: string; messages: string[] }[];
}

/** vscode.EventEmitter as extension code uses it (event(listener) → disposable, fire, dispose). */
class FakeEventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (listener: (e: T) => void): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState = 0,
  ) {}
}
class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}

/** vscode.Uri as extension code uses it: from(), parse() of `scheme:path`, the parts, toString(). */
class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
    readonly fragment = '',
  ) {}
  static from(c: { scheme: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static parse(s: string): Uri {
    const m = /^([^:]+):([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
    return m ? new Uri(m[1], m[2], m[3] ?? '', m[4] ?? '') : new Uri('file', s);
  }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${encodeURIComponent(this.query)}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

const TARGET = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;
const SCOPE_OF: Record<number, FakeScope> = { 1: 'user', 2: 'workspace', 3: 'folder' };

export function installFakeVscode(): FakeVscode {
  const configListeners = new FakeEventEmitter<{ affectsConfiguration(s: string): boolean }>();
  const state: FakeVscode = {
    warnings: [],
    errors: [],
    infos: [],
    statusBar: [],
    quickPicks: [],
    warningAnswer: undefined,
    pick: () => undefined,
    inputs: [],
    inputPrompts: [],
    settings: {},
    scopes: { user: {}, workspace: {}, folder: {} },
    writes: [],
    hasFolder: false,
    commands: new Map(),
    executed: [],
    output: [],
    secrets: new Map(),
    progress: [],
    fireConfigChange: () => configListeners.fire({ affectsConfiguration: () => true }),
  };
  const folder = { name: 'proj', index: 0, uri: { fsPath: '/proj', toString: () => 'file:///proj' } };
  const scoped = (key: string): unknown => state.scopes.folder[key] ?? state.scopes.workspace[key] ?? state.scopes.user[key];
  const disposable = { dispose: () => undefined };
  const vscode = {
    window: {
      showWarningMessage: async (message: string, options: unknown, ...items: string[]) => {
        state.warnings.push({ message, options, items: typeof options === 'string' ? [options, ...items] : items });
        return state.warningAnswer;
      },
      showErrorMessage: async (message: string) => {
        state.errors.push(message);
        return undefined;
      },
      showInformationMessage: async (message: string) => {
        state.infos.push(message);
        return undefined;
      },
      setStatusBarMessage: (message: string) => {
        state.statusBar.push(message);
        return disposable;
      },
      showQuickPick: async (items: FakeQuickPickItem[] | Promise<FakeQuickPickItem[]>, options: { canPickMany?: boolean; title?: string } = {}) => {
        const list = await items;
        state.quickPicks.push({ items: list, options });
        return state.pick(list, Boolean(options.canPickMany));
      },
      showInputBox: async (o: { title?: string; prompt?: string; value?: string; password?: boolean; validateInput?: (v: string) => string | undefined } = {}) => {
        state.inputPrompts.push({ title: o.title, prompt: o.prompt, value: o.value, password: o.password });
        return state.inputs.shift();
      },
      withProgress: async <T>(o: { location: unknown; title?: string }, task: (p: { report(v: { message?: string }): void }, token: { isCancellationRequested: boolean; onCancellationRequested(l: () => void): unknown }) => Promise<T>) => {
        const rec = { location: o.location, title: o.title, messages: [] as string[] };
        state.progress.push(rec);
        return task({ report: (v) => (v.message ? rec.messages.push(v.message) : undefined) }, { isCancellationRequested: false, onCancellationRequested: () => disposable });
      },
      createOutputChannel: () => ({ appendLine: (l: string) => state.output.push(l), show: () => undefined, dispose: () => undefined }),
      createTreeView: () => ({ visible: false, onDidChangeVisibility: () => disposable, dispose: () => undefined }),
      activeTextEditor: undefined,
    },
    workspace: {
      get workspaceFolders() {
        return state.hasFolder ? [folder] : undefined;
      },
      getConfiguration: (section: string) => ({
        get: <T>(key: string, def?: T): T | undefined => {
          const k = `${section}.${key}`;
          if (k in state.settings) return state.settings[k] as T;
          const v = scoped(k);
          return v !== undefined ? (v as T) : def;
        },
        inspect: (key: string) => {
          const k = `${section}.${key}`;
          return { key: k, globalValue: state.scopes.user[k], workspaceValue: state.scopes.workspace[k], workspaceFolderValue: state.scopes.folder[k] };
        },
        update: async (key: string, value: unknown, target: number) => {
          if (state.failWrites) throw new Error(state.failWrites);
          const scope = SCOPE_OF[target] ?? 'user';
          state.writes.push({ key: `${section}.${key}`, value, scope });
          state.scopes[scope][`${section}.${key}`] = value;
        },
      }),
      onDidChangeConfiguration: configListeners.event,
      onDidOpenTextDocument: () => disposable,
      textDocuments: [],
      registerTextDocumentContentProvider: () => disposable,
      asRelativePath: (u: { toString(): string }) => u.toString(),
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        state.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        state.executed.push(id);
        return state.commands.get(id)?.(...args);
      },
    },
    EventEmitter: FakeEventEmitter,
    Uri,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ConfigurationTarget: TARGET,
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
  };
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function load(request: string, ...rest: unknown[]) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  return state;
}

/** An ExtensionContext stand-in for activate(): subscriptions, secrets in `state.secrets`, extension paths. */
export function fakeExtensionContext(state: FakeVscode): unknown {
  return {
    subscriptions: [] as { dispose(): unknown }[],
    secrets: {
      get: async (k: string) => state.secrets.get(k),
      store: async (k: string, v: string) => void state.secrets.set(k, v),
      delete: async (k: string) => void state.secrets.delete(k),
    },
    extensionUri: { fsPath: process.cwd() },
    asAbsolutePath: (p: string) => `${process.cwd()}/${p}`,
  };
}
