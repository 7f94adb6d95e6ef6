/** The heavy part of the extension (./heavy.ts), loaded once, on first use. */
type Heavy = typeof import('./heavy');
let loading: Promise<Heavy> | undefined;

export function heavy(): Promise<Heavy> {
  loading ??= import('./heavy');
  return loading;
}
