/**
 * Quick fixes with more than one edit, through the real language server: every edit of the fix reaches the client
 * (not only the first), and the fix is judged the way a user would: after applying it, the server publishes no
 * finding with that code on the fixed rule. (That no fix leaves a moved rule behind is checked over every fix of
 * the broken corpus in test/unit/mut-lint-corpus.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TextEdit } from '../../src/core/lint/types';
import { applyEdits } from '../unit/lint-helpers';
import { serverForFile, type LspDiagnostic } from './client';

const server = serverForFile();

interface CodeAction {
  title: string;
  diagnostics?: { code?: string }[];
  edit?: { changes?: Record<string, TextEdit[]> };
}

async function openAndLint(uri: string, text: string): Promise<LspDiagnostic[]> {
  const since = server().published.length;
  await server().open(uri, text);
  return (await server().waitFor(uri, () => true, 20_000, since)).diagnostics;
}

async function actionsFor(uri: string, d: LspDiagnostic): Promise<CodeAction[]> {
  return server().conn.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
}

/** Applies the fix as the editor does (one didChange with all its edits, last first) and returns the re-lint. */
async function applyThroughServer(uri: string, edits: TextEdit[]): Promise<LspDiagnostic[]> {
  const since = server().published.length;
  const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  await server().change(uri, 2, ordered.map((e) => ({ range: e.range, text: e.newText })));
  return (await server().waitFor(uri, (p) => p.version === 2, 20_000, since)).diagnostics;
}

const APPEND = 'iptables -A DOCKER-USER -s 203.0.113.0/24 -j DROP';

test('appending to DOCKER-USER in a script (Docker\'s RETURN already there): both edits of the fix arrive — delete the RETURN first, re-append it last', async () => {
  const uri = 'file:///tmp/ts-append.rules';
  const text = `${APPEND}\n`;
  const diags = await openAndLint(uri, text);
  const d = diags.find((x) => x.code === 'docker-user/after-return');
  assert.ok(d, JSON.stringify(diags));
  const actions = (await actionsFor(uri, d)).filter((a) => a.diagnostics?.some((x) => x.code === 'docker-user/after-return'));
  const multi = actions.find((a) => (a.edit?.changes?.[uri] ?? []).length >= 2);
  assert.ok(multi, `a fix with two edits: ${JSON.stringify(actions)}`);
  const edits = multi.edit?.changes?.[uri] ?? [];
  const fixed = applyEdits(text, edits).split('\n').filter((l) => l.trim());
  assert.deepEqual(fixed, ['iptables -D DOCKER-USER -j RETURN', APPEND, 'iptables -A DOCKER-USER -j RETURN']);
  const after = await applyThroughServer(uri, edits);
  assert.deepEqual(after.filter((x) => x.code === 'docker-user/after-return' && x.range.start.line === 1), [], JSON.stringify(after));
  await server().close(uri);
});

// Found by this file before the lint-engine merge (the fix then left the script's own RETURN before the DROP).
test('a script that appends its own RETURN before the DROP: the fix leaves no after-return on the DROP', async () => {
  const uri = 'file:///tmp/ts-own-return.rules';
  const text = ['iptables -A DOCKER-USER -j RETURN', APPEND, ''].join('\n');
  const diags = await openAndLint(uri, text);
  const d = diags.find((x) => x.code === 'docker-user/after-return' && x.range.start.line === 1);
  assert.ok(d, JSON.stringify(diags));
  const actions = (await actionsFor(uri, d)).filter((a) => a.diagnostics?.some((x) => x.code === 'docker-user/after-return'));
  const edits = actions[0]?.edit?.changes?.[uri] ?? [];
  const fixedLines = applyEdits(text, edits).split('\n');
  const after = await applyThroughServer(uri, edits);
  await server().close(uri);
  assert.deepEqual(after.filter((x) => x.code === 'docker-user/after-return' && x.range.start.line === fixedLines.indexOf(APPEND)), [], JSON.stringify(after));
});
