/** The heavy parts of the extension, each loaded once, on first use: ./heavy.ts and the language client (./lsp.ts). */
type Heavy = typeof import('./heavy');
type Lsp = typeof import('./lsp');
let loading: Promise<Heavy> | undefined;
let loadingLsp: Promise<Lsp> | undefined;

export function heavy(): Promise<Heavy> {
  loading ??= import('./heavy');
  return loading;
}

export function lspModule(): Promise<Lsp> {
  loadingLsp ??= import('./lsp');
  return loadingLsp;
}
