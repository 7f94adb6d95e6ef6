/**
 * A finding's guarded fix: the exact commands are shown first in a modal; they run (on the finding's node only)
 * only when the user confirms that finding; then the checks run again and the user is told whether the finding
 * is gone. Nothing runs on cancel.
 */
import * as vscode from 'vscode';
import type { FixOutcome } from '../../core/doctor/session';
import type { Finding, GuardedFix } from '../../core/doctor/types';
import { shellJoin } from '../../core/transport/quote';

export type FixableFinding = Finding & { fix: GuardedFix };
export type FixResult = 'cancelled' | 'gone' | 'still-reported' | 'failed';

export async function confirmAndApply(f: FixableFinding, apply: (f: FixableFinding) => Promise<FixOutcome>): Promise<FixResult> {
  const run = `Run on ${f.fix.node}`;
  const detail = [`${f.code}: ${f.message}`, '', `These commands run on ${f.fix.node} only:`, ...f.fix.commands.map((c) => shellJoin(c)), '', 'The checks run again afterwards.'].join('\n');
  const answer = await vscode.window.showWarningMessage(`${f.fix.title}?`, { modal: true, detail }, run);
  if (answer !== run) return 'cancelled';
  const outcome = await apply(f);
  const failed = outcome.log.find((l) => l.code !== 0);
  if (failed) {
    void vscode.window.showErrorMessage(`Fix on ${f.fix.node} failed: ${shellJoin(failed.argv)} exited ${failed.code ?? 'without a code'}${failed.stderr ? `: ${failed.stderr}` : ''}`);
    return 'failed';
  }
  if (outcome.gone) {
    void vscode.window.showInformationMessage(`Fixed: ${f.code} on ${f.node} is no longer reported.`);
    return 'gone';
  }
  void vscode.window.showWarningMessage(`The commands ran on ${f.fix.node}, but the checks still report ${f.code}: ${f.message}`);
  return 'still-reported';
}
