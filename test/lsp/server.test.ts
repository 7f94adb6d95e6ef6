/**
 * The real language server process over stdio JSON-RPC: diagnostics with codes and ranges, quick fixes applied as
 * WorkspaceEdits, hover, incremental didChange re-lint, and the swarmnet/nodeContext notification.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LintContext, TextEdit } from '../../src/core/lint/types';
import { applyEdits, LINT_FIXTURES } from '../unit/lint-helpers';
import { TestClient } from './client';

let client: TestClient;

before(async () => {
  client = new TestClient();
  const init = await client.initialize();
  assert.equal(init.capabilities.textDocumentSync, 2, 'incremental sync');
  assert.ok(init.capabilities.hoverProvider);
  assert.ok(init.capabilities.codeActionProvider);
});

after(async () => {
  await client.shutdown();
});

const DOC = [
  '# DOCKER-USER for the web tier',
  '-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN',
  '-A DOCKER-USER -i eth0 -j DROP',
  '-A DOCKER-USER -j RETURN',
  '',
].join('\n');

interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: { code?: string }[];
  edit?: { changes?: Record<string, TextEdit[]> };
}

test('didOpen → publishDiagnostics with codes and exact ranges; codeAction fix applied; didChange re-lints', async () => {
  const uri = 'file:///tmp/web.rules';
  const since = client.published.length;
  await client.open(uri, DOC);
  const pub = await client.waitFor(uri, () => true, 10_000, since);
  const d = pub.diagnostics.find((x) => x.code === 'docker-user/missing-established');
  assert.ok(d, JSON.stringify(pub.diagnostics));
  assert.deepEqual(d.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 30 } });
  assert.equal(d.severity, 2);
  assert.equal(d.source, 'swarmnet');
  assert.match(d.message, /replies of connections/);

  const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.equal(actions.length, 1, JSON.stringify(actions));
  const a = actions[0];
  assert.equal(a.kind, 'quickfix');
  assert.equal(a.isPreferred, true);
  const edits = a.edit?.changes?.[uri];
  assert.ok(edits && edits.length > 0);
  const fixed = applyEdits(DOC, edits);
  assert.equal(
    fixed,
    [
      '# DOCKER-USER for the web tier',
      '-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-A DOCKER-USER -i eth0 -j DROP',
      '-A DOCKER-USER -j RETURN',
      '',
    ].join('\n'),
  );

  // send the fix as an incremental change (the edit's own ranges) and expect a clean re-lint
  const since2 = client.published.length;
  await client.change(uri, 2, edits.map((e) => ({ range: e.range, text: e.newText })));
  const pub2 = await client.waitFor(uri, (p) => p.version === 2, 10_000, since2);
  assert.deepEqual(pub2.diagnostics.filter((x) => x.severity !== 3), [], JSON.stringify(pub2.diagnostics));

  // an incremental insert of a duplicate line → rules/duplicate on the new line
  const since3 = client.published.length;
  await client.change(uri, 3, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '-A DOCKER-USER -i eth0 -j DROP\n' }]);
  const pub3 = await client.waitFor(uri, (p) => p.version === 3, 10_000, since3);
  const dup = pub3.diagnostics.find((x) => x.code === 'rules/duplicate');
  assert.ok(dup, JSON.stringify(pub3.diagnostics));
  assert.equal(dup.range.start.line, 4);
  await client.close(uri);
});

test('hover explains the rule in plain words and lists the findings of the line', async () => {
  const uri = 'file:///tmp/hover.rules';
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const since = client.published.length;
  await client.open(uri, text);
  await client.waitFor(uri, () => true, 10_000, since);
  const h = await client.conn.sendRequest<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 10 } });
  assert.ok(h);
  assert.equal(h.contents.kind, 'markdown');
  assert.match(h.contents.value, /^TCP packets to original destination port 8080 \(before DNAT\) arriving on eth0 are dropped\./);
  const none = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 0 } });
  assert.equal(none, null);
  await client.close(uri);
});

test('hover on a finding adds why it matters and its quick fix, never repeats the message VS Code already shows', async () => {
  const uri = 'file:///tmp/hover-finding.rules';
  const text = '# DOCKER-USER rules\n-A FORWARD -p tcp --dport 80 -j DROP\n';
  const since = client.published.length;
  await client.open(uri, text);
  const pub = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'swarm/not-docker-user'), 10_000, since);
  const diag = pub.diagnostics.find((d) => d.code === 'swarm/not-docker-user');
  assert.ok(diag);
  const h = await client.conn.sendRequest<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } });
  assert.ok(h);
  assert.ok(!h.contents.value.includes(diag.message), `the hover repeats the message:\n${h.contents.value}`);
  assert.match(h.contents.value, /`swarm\/not-docker-user` — Docker jumps from FORWARD to DOCKER-USER first/);
  assert.match(h.contents.value, /Quick fix: .*DOCKER-USER/);
  await client.close(uri);
});

test('swarmnet/nodeContext associates the document with a node and re-lints node-aware', async () => {
  const uri = 'file:///tmp/node.rules';
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i ens192 -s 10.0.0.0/8 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const since = client.published.length;
  await client.open(uri, text);
  const p1 = await client.waitFor(uri, () => true, 10_000, since);
  assert.ok(!p1.diagnostics.some((d) => String(d.code).startsWith('node/')), JSON.stringify(p1.diagnostics));
  const ctx = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'node-a.json'), 'utf8')) as LintContext;
  const since2 = client.published.length;
  await client.conn.sendNotification('swarmnet/nodeContext', { uri, context: ctx });
  const p2 = await client.waitFor(uri, (p) => p.diagnostics.some((d) => String(d.code).startsWith('node/')), 10_000, since2);
  const iface = p2.diagnostics.find((d) => d.code === 'node/unknown-interface');
  assert.ok(iface, JSON.stringify(p2.diagnostics));
  assert.deepEqual(iface.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 24 } });
  assert.match(iface.message, /no interface ens192 on node manager1/);
  const net = p2.diagnostics.find((d) => d.code === 'node/matches-network');
  assert.ok(net);
  assert.match(net.message, /overlay traffic from 10\.0\.1\.0\/24 of network ov0/);
  // the association survives closing and reopening the file
  await client.close(uri);
  const sinceR = client.published.length;
  await client.open(uri, text, 7);
  const pr = await client.waitFor(uri, (p) => p.version === 7, 10_000, sinceR);
  assert.ok(pr.diagnostics.some((d) => d.code === 'node/unknown-interface'), JSON.stringify(pr.diagnostics));
  // clearing the context removes the node findings
  const since3 = client.published.length;
  await client.conn.sendNotification('swarmnet/nodeContext', { uri, context: null });
  const p3 = await client.waitFor(uri, (p) => !p.diagnostics.some((d) => String(d.code).startsWith('node/')), 10_000, since3);
  assert.ok(p3);
  await client.close(uri);
});
