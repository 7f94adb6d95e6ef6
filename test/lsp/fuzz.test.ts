/** A few hundred fuzzed documents through the real server process: every one gets diagnostics, the server survives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusTexts, mutate, rng } from '../unit/lint-helpers';
import { serverForFile } from './client';

const server = serverForFile();

test('300 fuzzed documents (250 opened, 50 incremental changes) all get diagnostics; the server stays up', async () => {
  const texts = corpusTexts();
  const r = rng(424242);
  const t0 = performance.now();
  for (let i = 0; i < 250; i++) {
    const uri = `file:///tmp/fuzz-${i}.rules`;
    const doc = mutate(texts[r(texts.length)], r);
    const since = server().published.length;
    await server().open(uri, doc);
    const p = await server().waitFor(uri, () => true, 10_000, since);
    for (const d of p.diagnostics) assert.ok(typeof d.code === 'string' && d.range.start.line >= 0, JSON.stringify(d));
    await server().close(uri);
  }
  const uri = 'file:///tmp/fuzz-changes.rules';
  let doc = texts[0];
  await server().open(uri, doc);
  for (let v = 2; v < 52; v++) {
    const next = mutate(doc, r);
    const lines = doc.split('\n');
    const since = server().published.length;
    // replace the whole document through a range edit (incremental sync)
    await server().change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, text: next }]);
    doc = next;
    const p = await server().waitFor(uri, (x) => x.version === v, 10_000, since);
    assert.ok(Array.isArray(p.diagnostics));
  }
  const h = await server().conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.ok(h === null || typeof h === 'object');
  assert.doesNotMatch(server().stderr, /lint failed|Error/);
  assert.equal(server().proc.exitCode, null, 'server still running');
  console.log(`lsp fuzz: 300 documents in ${(performance.now() - t0).toFixed(0)} ms`);
});
