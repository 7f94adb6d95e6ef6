/**
 * Progress for work that is usually quick: the notification (with Cancel) appears only when the work has not
 * ended after `delayMs`. A warm trace then shows its diagram without a toast flashing up beside it (VS Code keeps
 * a progress notification on screen for a moment after the work ends); slow work can still be followed and
 * cancelled.
 */
import * as vscode from 'vscode';

export async function withProgressAfter<T>(title: string, message: string, delayMs: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const work = task(ac.signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), delayMs)));
  const slow = await Promise.race([work.then(() => false, () => false), late]);
  clearTimeout(timer);
  if (slow) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => ac.abort());
      progress.report({ message });
      await work.catch(() => undefined);
    });
  }
  return work;
}
