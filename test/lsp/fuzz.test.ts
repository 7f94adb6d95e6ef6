/** A few hundred fuzzed documents through the real server process: every one gets diagnostics, the server survives. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusTexts, mutate, rng } from '../unit/lint-helpers';
import { TestClient } from './client';

let client: TestClient;

before(async () => {
  client = new TestClient();
  await client.initialize();
});

after(async () => {
  await client.shutdown();
});

test('300 fuzzed documents (250 opened, 50 incremental changes) all get diagnostics; the server stays up', async () => {
  const texts = corpusTexts();
  const r = rng(424242);
  const t0 = performance.now();
  for (let i = 0; i < 250; i++) {
    const uri = `file:///tmp/fuzz-${i}.rules`;
    const doc = mutate(texts[r(texts.length)], r);
    const since = client.published.length;
    await client.open(uri, doc);
    const p = await client.waitFor(uri, () => true, 10_000, since);
    for (const d of p.diagnostics) assert.ok(typeof d.code === 'string' && d.range.start.line >= 0, JSON.stringify(d));
    await client.close(uri);
  }
  const uri = 'file:///tmp/fuzz-changes.rules';
  let doc = texts[0];
  await client.open(uri, doc);
  for (let v = 2; v < 52; v++) {
    const next = mutate(doc, r);
    const lines = doc.split('\n');
    const since = client.published.length;
    // replace the whole document through a range edit (incremental sync)
    await client.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, text: next }]);
    doc = next;
    const p = await client.waitFor(uri, (x) => x.version === v, 10_000, since);
    assert.ok(Array.isArray(p.diagnostics));
  }
  const h = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.ok(h === null || typeof h === 'object');
  assert.doesNotMatch(client.stderr, /lint failed|Error/);
  assert.equal(client.proc.exitCode, null, 'server still running');
  console.log(`lsp fuzz: 300 documents in ${(performance.now() - t0).toFixed(0)} ms`);
});
