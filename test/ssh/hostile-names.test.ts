/**
 * Hostile names through the REAL command builders and a real remote shell: SshRunner.commandLine (with and
 * without sudo), nsenterArgv into a real namespace, and the discovery GATHER_SCRIPT walking a directory of
 * hostile file names. Each name must arrive as exactly one literal argument, and nothing may execute: canary
 * files that any injection would create must never appear.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GATHER_SCRIPT, splitGatherOutput } from '../../src/core/discovery';
import { NETNS_DIR } from '../../src/core/model';
import { isValidNamespaceName, namespacePath, nsenterArgv } from '../../src/core/netns';
import { shellJoin } from '../../src/core/transport/quote';
import { SshRunner } from '../../src/core/transport/ssh';
import { TransportError } from '../../src/core/transport/types';
import { makeKey, startSshd, type KeyPair, type Sshd } from './sshd';

let dir = '';
let canaryDir = '';
let key: KeyPair;
let sshd: Sshd;
let runner: SshRunner;
let sudoRunner: SshRunner;

/** Names that would run `touch <canary>` (or create a file) if any layer evaluated them. */
function hostileNames(c: string): string[] {
  return [
    `x;touch ${c}/semicolon`,
    `$(touch ${c}/dollar-paren)`,
    `\`touch ${c}/backtick\``,
    `a\ntouch ${c}/newline`,
    `' ; touch ${c}/quote-break ; '`,
    `"$(touch ${c}/dq)"`,
    `| touch ${c}/pipe`,
    `&& touch ${c}/and`,
    `>${c}/redirect`,
    `$((1+1))\${IFS}$HOME`,
    '../../etc/passwd',
    'with  two   spaces',
    ' leading and trailing ',
    "it's",
    '*',
    '~',
    '-rf',
    '--',
    '',
    '\\',
    '!',
    'tab\there',
    'üñíçødé ☃',
    '%s%n%x',
  ];
}

function nulSplit(s: string): string[] {
  const parts = s.split('\0');
  assert.equal(parts.pop(), '', 'output ends with a NUL');
  return parts;
}

function assertNoCanary(): void {
  assert.deepEqual(readdirSync(canaryDir), [], 'an injected command ran');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-hostile-'));
  canaryDir = join(dir, 'canary');
  mkdirSync(canaryDir);
  key = makeKey(dir, 'id');
  sshd = await startSshd({ authorizedKeys: [key.pub] });
  const t = { host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: readFileSync(key.path), verifyHostKey: (i: { key: Buffer }) => i.key.equals(sshd.hostKey.blob) };
  runner = await SshRunner.connect(t);
  sudoRunner = await SshRunner.connect(t, { sudo: true });
});

after(async () => {
  await runner?.close();
  await sudoRunner?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('SshRunner: every hostile argument arrives as exactly one literal argv element; nothing executes', async () => {
  const names = hostileNames(canaryDir);
  const r = await runner.run(['printf', '%s\\0', ...names]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(nulSplit(r.stdout), names);
  // One at a time too (each as argv[1] of a program that records its argument count).
  for (const n of names) {
    const one = await runner.run(['sh', '-c', 'printf "%s\\0" "$#" "$1"', 'sh', n]);
    assert.deepEqual(nulSplit(one.stdout), ['1', n]);
  }
  assertNoCanary();
});

test('SshRunner with sudo -n: the same, through sudo', async () => {
  const names = hostileNames(canaryDir);
  assert.ok(sudoRunner.commandLine(['printf', 'x']).startsWith('sudo -n -- '));
  const r = await sudoRunner.run(['printf', '%s\\0', ...names]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(nulSplit(r.stdout), names);
  assertNoCanary();
});

test('a hostile program name is one literal word, not a command line', async () => {
  const r = await runner.run([`true; touch ${canaryDir}/argv0`]);
  assert.equal(r.code, 127);
  assertNoCanary();
});

test('NUL bytes cannot be sent (refused before anything runs)', async () => {
  assert.throws(() => shellJoin(['echo', 'a\0b']), /NUL/);
  await assert.rejects(runner.run(['echo', 'a\0b']), (e: unknown) => e instanceof TransportError && e.kind === 'exec');
});

test('nsenterArgv/namespacePath refuse path and shell tricks; a real namespace gets hostile command arguments intact', async () => {
  for (const bad of ['../../etc', 'x;rm -rf /', '..', '.', 'a/b', '/etc', '$(id)', '`id`', 'a b', '-n', 'x\n', 'a'.repeat(65), '.hidden', 'a..b']) {
    assert.throws(() => namespacePath(bad), /refused namespace name/, JSON.stringify(bad));
    assert.throws(() => nsenterArgv(bad, ['ip', 'addr']), /refused namespace name/, JSON.stringify(bad));
  }
  assert.throws(() => namespacePath(''), /refused namespace name/);
  assert.deepEqual(nsenterArgv('host', ['ip', 'a']), ['ip', 'a']);
  assert.deepEqual(nsenterArgv(undefined, ['ip', 'a']), ['ip', 'a']);
  const ns = (existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR) : []).find(isValidNamespaceName);
  assert.ok(ns, `no Docker network namespace under ${NETNS_DIR} (the root engine is a swarm manager in the lab, so ingress_sbox should exist)`);
  const names = hostileNames(canaryDir);
  const r = await runner.run(nsenterArgv(ns, ['printf', '%s\\0', ...names]));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(nulSplit(r.stdout), names);
  assertNoCanary();
});

test('GATHER_SCRIPT over SSH: hostile file names under the netns dir are reported, never used', async () => {
  const fake = join(dir, 'netns');
  mkdirSync(fake);
  const files = [`x;touch ${canaryDir}/f-semicolon`.replace(/\//g, '_'), `$(touch canary-dollar)`, '`touch canary-backtick`', 'a b', '.hidden', 'new\nline', '-n', "q'uote", 'ok-name'];
  for (const f of files) writeFileSync(join(fake, f), '');
  const script = GATHER_SCRIPT.split(NETNS_DIR).join(fake);
  assert.notEqual(script, GATHER_SCRIPT, 'the script names the netns dir');
  const nonce = 'abcdef0123456789';
  const r = await runner.run(['sh', '-c', script, 'sh', nonce], { timeoutMs: 20_000 });
  const out = splitGatherOutput(r.stdout, nonce);
  assert.equal(out.complete, true);
  const bad = out.diagnostics.filter((d) => /unsafe name/.test(d.message));
  // The script's own filter rejects the 6 names with shell/space/quote/newline characters (the glob skips
  // .hidden); "-n" passes the script (plain characters, used only as "$f") but the reader never accepts it.
  assert.equal(bad.length, 6, JSON.stringify(out.diagnostics));
  assert.deepEqual(out.namespaces.map((n) => n.name), []);
  assert.ok(out.diagnostics.some((d) => /ok-name/.test(d.message)), 'a plain name is looked at (and skipped: not a namespace)');
  assert.ok(!out.diagnostics.some((d) => /canary|touch/.test(d.message)));
  assert.deepEqual(readdirSync(dir).filter((f) => /canary-/.test(f)), []);
  // Relative canaries would land in the remote shell's working directory (root's home).
  for (const c of ['canary-dollar', 'canary-backtick']) assert.equal(existsSync(join('/root', c)), false, c);
  assertNoCanary();
});
