import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandTokens, readSshConfig, sshConfigFromText } from '../../src/core/sources/sshConfig';
import { FIXTURES } from '../helpers';

const HOME = join(FIXTURES, 'ssh', 'home');
const CANARY = '/tmp/swarmnet-sshconfig-canary';

async function load() {
  rmSync(CANARY, { force: true });
  return readSshConfig({ home: HOME, localUser: 'alice', env: { SWARMNET_TEST_KEYDIR: '/keys' } });
}

test('ssh config: concrete Host aliases become candidates, wildcard/negated patterns are skipped', async () => {
  const r = await load();
  assert.deepEqual(
    r.candidates.map((c) => c.alias),
    ['db', 'bastion', 'mgr1', 'mgr1.example.org', 'worker2', 'quoted host', 'nokey'],
  );
  assert.ok(!r.candidates.some((c) => /[*?!]/.test(c.alias)));
});

test('ssh config: Include (glob, relative to ~/.ssh) is followed; a loop and a missing file are diagnostics', async () => {
  const r = await load();
  assert.deepEqual(r.files.map((f) => f.slice(HOME.length)), ['/.ssh/config', '/.ssh/conf.d/10-db.conf', '/.ssh/conf.d/20-loop.conf']);
  const db = r.candidates.find((c) => c.alias === 'db');
  assert.equal(db?.file, join(HOME, '.ssh', 'conf.d', '10-db.conf'));
  assert.equal(db?.config.host, 'db.internal');
  assert.deepEqual(db?.identityFiles, ['/keys/id_db']);
  assert.ok(r.diagnostics.some((d) => /Include loop/.test(d.message)), JSON.stringify(r.diagnostics));
  assert.ok(r.diagnostics.some((d) => /missing-file\.conf/.test(d.message)));
});

test('ssh config: HostName %h, User, Port, IdentityFile tokens (~ %u %d), first existing key, ProxyJump alias resolved, IdentityAgent', async () => {
  const r = await load();
  const m = r.candidates.find((c) => c.alias === 'mgr1');
  assert.ok(m);
  assert.deepEqual(m.config, {
    name: 'mgr1',
    transport: 'ssh',
    host: 'mgr1.example.org',
    port: 22,
    user: 'deploy',
    keyPath: join(HOME, '.ssh', 'id_ed25519'),
    useAgent: true,
    identityAgent: join(HOME, '.ssh', 'agent.sock'),
    proxyJump: 'jump@203.0.113.10:2200',
  });
  assert.deepEqual(m.identityFiles, [join(HOME, '.ssh', 'id_alice_missing'), join(HOME, '.ssh', 'id_ed25519')]);
  assert.equal(m.identityAgent, join(HOME, '.ssh', 'agent.sock'));
  assert.deepEqual(m.warnings, []);
});

test('ssh config: first value wins like OpenSSH, Host * supplies defaults, wildcard blocks apply to matching aliases', async () => {
  const r = await load();
  const bastion = r.candidates.find((c) => c.alias === 'bastion');
  assert.equal(bastion?.config.user, 'jump');
  const w2 = r.candidates.find((c) => c.alias === 'worker2');
  // "Host worker-? *.internal" does not match worker2 → Host * gives the user.
  assert.equal(w2?.config.user, 'fallback');
  assert.equal(w2?.config.host, '10.1.0.12');
  assert.equal(w2?.config.port, 2022);
  const db = r.candidates.find((c) => c.alias === 'db');
  assert.equal(db?.config.user, 'fallback');
});

test('ssh config: ProxyJump chains and ProxyCommand are reported, not silently dropped', async () => {
  const r = await load();
  const w2 = r.candidates.find((c) => c.alias === 'worker2');
  assert.equal(w2?.config.proxyJump, 'admin@203.0.113.10:2201,other@second');
  assert.ok(w2?.warnings.some((w) => /chain of 2 hops/.test(w)));
  assert.ok(w2?.warnings.some((w) => /ProxyCommand is not supported/.test(w)));
});

test('ssh config: IdentityAgent none disables the agent; a bad Port is a warning, not a throw', async () => {
  const r = await load();
  const n = r.candidates.find((c) => c.alias === 'nokey');
  assert.equal(n?.config.useAgent, false);
  assert.equal(n?.config.port, 22);
  assert.ok(n?.warnings.some((w) => /not a port number/.test(w)));
  assert.equal(n?.config.keyPath, undefined);
});

test('ssh config: Match exec is never run while reading a config', async () => {
  await load();
  assert.equal(existsSync(CANARY), false);
});

test('ssh config: quoted aliases keep their spaces', async () => {
  const r = await load();
  assert.equal(r.candidates.find((c) => c.alias === 'quoted host')?.config.host, '10.9.9.9');
});

test('ssh config: missing ~/.ssh/config gives no candidates and an info diagnostic', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'swarmnet-home-'));
  try {
    const r = await readSshConfig({ home: empty });
    assert.deepEqual(r.candidates, []);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'info');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('ssh config: Include inside a Host block applies its directives to that block', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-inc-'));
  try {
    writeFileSync(join(dir, 'inner.conf'), 'User included\nPort 2345\nHost other\n  HostName 10.0.0.2\n');
    const r = await sshConfigFromText(`Host a\n  HostName 10.0.0.1\n  Include ${dir}/inner.conf\n`, { home: dir, localUser: 'me' });
    const a = r.candidates.find((c) => c.alias === 'a');
    assert.equal(a?.config.user, 'included');
    assert.equal(a?.config.port, 2345);
    assert.equal(r.candidates.find((c) => c.alias === 'other')?.config.host, '10.0.0.2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ssh config: Include of a device or a directory is refused with a diagnostic, not read', async () => {
  const r = await sshConfigFromText('Include /dev/zero\nInclude /tmp\nHost a\n  HostName 10.0.0.1\n', { home: '/nonexistent', localUser: 'x' });
  assert.equal(r.candidates.length, 1);
  assert.equal(r.diagnostics.filter((d) => /not a regular file/.test(d.message)).length, 2, JSON.stringify(r.diagnostics));
});

test('ssh config: garbage text never throws', async () => {
  for (const t of ['Host', 'Host \n HostName', '\0\0\0', 'Host a\n  Port 99999999', 'Match\n', '"unterminated', 'Host a b c\nIdentityFile\n']) {
    const r = await sshConfigFromText(t, { home: '/nonexistent', localUser: 'x' });
    assert.ok(Array.isArray(r.candidates));
  }
});

test('expandTokens: %% %d %u %h %n %r %p ${ENV} ~, unknown tokens kept and reported', () => {
  const warnings: string[] = [];
  const v = expandTokens('~/k/%%-%d-%u-%h-%n-%r-%p-${X}-%Z', { home: '/h', localUser: 'lu', host: 'H', alias: 'A', remoteUser: 'ru', port: 7, env: { X: 'x' } }, (m) => warnings.push(m));
  assert.equal(v, '/h/k/%-/h-lu-H-A-ru-7-x-%Z');
  assert.equal(warnings.length, 1);
});
