/**
 * A minimal stand-in for the `vscode` module (window messages, quick picks, progress) so that extension code
 * that only talks to the user can be exercised in plain node tests. Install before requiring the module.
 */
import Module from 'node:module';

export interface FakeQuickPickItem {
  label: string;
  description?: string;
  detail?: string;
  kind?: number;
  picked?: boolean;
}

export interface FakeVscode {
  warnings: { message: string; options: unknown; items: string[] }[];
  errors: string[];
  infos: string[];
  quickPicks: { items: FakeQuickPickItem[]; options: { canPickMany?: boolean; title?: string } }[];
  /** Answer for the next showWarningMessage calls. */
  warningAnswer: string | undefined;
  /** Chooses quick pick results (return undefined = cancelled). */
  pick: (items: FakeQuickPickItem[], canPickMany: boolean) => FakeQuickPickItem[] | FakeQuickPickItem | undefined;
  /** Settings returned by workspace.getConfiguration(section).get(key), keyed "section.key". */
  settings: Record<string, unknown>;
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

export function installFakeVscode(): FakeVscode {
  const state: FakeVscode = { warnings: [], errors: [], infos: [], quickPicks: [], warningAnswer: undefined, pick: () => undefined, settings: {} };
  const vscode = {
    window: {
      showWarningMessage: async (message: string, options: unknown, ...items: string[]) => {
        state.warnings.push({ message, options, items });
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
      showQuickPick: async (items: FakeQuickPickItem[] | Promise<FakeQuickPickItem[]>, options: { canPickMany?: boolean; title?: string } = {}) => {
        const list = await items;
        state.quickPicks.push({ items: list, options });
        return state.pick(list, Boolean(options.canPickMany));
      },
      withProgress: async <T>(_o: unknown, task: (p: { report(): void }, token: { isCancellationRequested: boolean }) => Promise<T>) => task({ report: () => undefined }, { isCancellationRequested: false }),
    },
    workspace: {
      getConfiguration: (section: string) => ({
        get: <T>(key: string, def?: T): T | undefined => (`${section}.${key}` in state.settings ? (state.settings[`${section}.${key}`] as T) : def),
      }),
    },
    EventEmitter: FakeEventEmitter,
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
