/** The bundled server the extension starts (dist/server.js, built by `npm run build`) lints over stdio too. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO } from '../helpers';

test('dist/server.js: initialize, didOpen → publishDiagnostics', async () => {
  const bundle = join(REPO, 'dist', 'server.js');
  assert.ok(existsSync(bundle), `${bundle} missing: run \`npm run build\` first`);
  const proc = spawn(process.execPath, [bundle, '--stdio'], { stdio: 'pipe' });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  try {
    const got = new Promise<{ uri: string; diagnostics: { code: string }[] }>((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
    conn.listen();
    const init = await conn.sendRequest<{ serverInfo?: { name: string } }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'swarmnet-lint');
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'iptables', version: 1, text: 'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -p tcp --dport 2377 -j DROP\n' } });
    const p = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no diagnostics in 10 s')), 10_000))]);
    assert.equal(p.uri, 'untitled:Untitled-1');
    assert.ok(p.diagnostics.some((d) => d.code === 'swarm/cuts-control-plane'));
  } finally {
    conn.dispose();
    proc.kill();
  }
});
