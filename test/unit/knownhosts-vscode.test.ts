/** The extension's host-key prompt (src/extension/hostKeys.ts) over the core policy, with a stand-in vscode. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nullLogger } from '../../src/core/log';
import { fingerprintSha256 } from '../../src/core/transport/knownHosts';
import type { HostKeyInfo } from '../../src/core/transport/ssh';
import { installFakeVscode } from '../ssh/fakeVscode';

const ui = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostKeys = require('../../src/extension/hostKeys') as typeof import('../../src/extension/hostKeys');

const dir = mkdtempSync(join(tmpdir(), 'swarmnet-hk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function key(name: string): HostKeyInfo & { b64: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  const b64 = readFileSync(join(dir, `${name}.pub`), 'utf8').split(/\s+/)[1];
  const blob = Buffer.from(b64, 'base64');
  return { host: '10.0.0.9', port: 2222, keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(blob), key: blob, b64 };
}

test('unknown host: a modal warning with host, key type and SHA256 fingerprint; Trust Once / Trust and Save / cancel', async () => {
  const k = key('k1');
  const kh = join(dir, 'known_hosts');
  const verify = hostKeys.makeHostKeyVerifier(nullLogger, kh, []);
  ui.warningAnswer = undefined; // dismissed
  assert.equal(await verify(k), false);
  const w = ui.warnings.at(-1);
  assert.ok(w);
  assert.deepEqual(w.items, [hostKeys.TRUST_ONCE, hostKeys.TRUST_AND_SAVE]);
  assert.equal((w.options as { modal?: boolean }).modal, true);
  const detail = (w.options as { detail: string }).detail;
  assert.match(w.message, /\[10\.0\.0\.9\]:2222/);
  assert.match(detail, /ssh-ed25519/);
  assert.ok(detail.includes(k.fingerprint));
  ui.warningAnswer = hostKeys.TRUST_ONCE;
  assert.equal(await verify(k), true);
  assert.throws(() => readFileSync(kh), /ENOENT/);
  ui.warningAnswer = hostKeys.TRUST_AND_SAVE;
  assert.equal(await verify(k), true);
  assert.equal(readFileSync(kh, 'utf8'), `[10.0.0.9]:2222 ssh-ed25519 ${k.b64}\n`);
  const asked = ui.warnings.length;
  assert.equal(await verify(k), true);
  assert.equal(ui.warnings.length, asked, 'saved: not asked again');
});

test('changed key: refused with an error message naming the file and line; never asked', async () => {
  const a = key('k2');
  const b = key('k3');
  const kh = join(dir, 'known_hosts2');
  writeFileSync(kh, `# x\n[10.0.0.9]:2222 ssh-ed25519 ${a.b64}\n`);
  const verify = hostKeys.makeHostKeyVerifier(nullLogger, kh, []);
  const asked = ui.warnings.length;
  ui.warningAnswer = hostKeys.TRUST_AND_SAVE;
  assert.equal(await verify(b), false);
  assert.equal(ui.warnings.length, asked);
  assert.match(ui.errors.at(-1) ?? '', new RegExp(`HOST KEY CHANGED .*${kh.replace(/[/.]/g, '\\$&')}:2`));
  assert.ok((ui.errors.at(-1) ?? '').includes(b.fingerprint));
});
