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
}

export function installFakeVscode(): FakeVscode {
  const state: FakeVscode = { warnings: [], errors: [], infos: [], quickPicks: [], warningAnswer: undefined, pick: () => undefined };
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
