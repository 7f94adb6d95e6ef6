/**
 * known_hosts matching and the host-key policy, checked against real OpenSSH: keys made with ssh-keygen, files
 * hashed with `ssh-keygen -H`, and our own hashed lines looked up with `ssh-keygen -F`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostMatchesPatterns,
  keyTypeOfBlob,
  makeKnownHostsVerifier,
  parseKnownHosts,
  usesHashing,
  type UnknownHostChoice,
  type UnknownHostInfo,
} from '../../src/core/transport/knownHosts';
import type { HostKeyInfo } from '../../src/core/transport/ssh';

let dir = '';
const keys: Record<'ed1' | 'ed2' | 'ec1', { type: string; b64: string; blob: Buffer; fp: string }> = {} as never;

function genKey(name: string, type: string): { type: string; b64: string; blob: Buffer; fp: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f, '-C', name]);
  const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${f}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
  return { type: t, b64, blob: Buffer.from(b64, 'base64'), fp };
}

function hashFile(text: string): string {
  const f = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, text);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'pipe' });
  return readFileSync(f, 'utf8');
}

function info(host: string, port: number, k: { type: string; blob: Buffer; fp: string }): HostKeyInfo {
  return { host, port, keyType: k.type, fingerprint: fingerprintSha256(k.blob), key: k.blob };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-kh-'));
  keys.ed1 = genKey('ed1', 'ed25519');
  keys.ed2 = genKey('ed2', 'ed25519');
  keys.ec1 = genKey('ec1', 'ecdsa');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('fingerprint and key type agree with ssh-keygen -l', () => {
  for (const k of Object.values(keys)) {
    assert.equal(fingerprintSha256(k.blob), k.fp);
    assert.equal(keyTypeOfBlob(k.blob), k.type);
  }
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0])), 'unknown');
  assert.equal(keyTypeOfBlob(Buffer.from([0xff, 0xff, 0xff, 0xff, 1])), 'unknown');
});

test('plain entries: host, [host]:port, lists, case-insensitive', () => {
  const kh = `node1,10.0.0.1 ${keys.ed1.type} ${keys.ed1.b64}\n[node2]:2222 ${keys.ed1.type} ${keys.ed1.b64}\n`;
  assert.deepEqual(checkHostKey(kh, 'node1', 22, keys.ed1.type, keys.ed1.blob), { status: 'match', line: 1 });
  assert.deepEqual(checkHostKey(kh, 'NODE1', 22, keys.ed1.type, keys.ed1.blob), { status: 'match', line: 1 });
  assert.deepEqual(checkHostKey(kh, '10.0.0.1', 22, keys.ed1.type, keys.ed1.blob), { status: 'match', line: 1 });
  assert.deepEqual(checkHostKey(kh, 'node2', 2222, keys.ed1.type, keys.ed1.blob), { status: 'match', line: 2 });
  // The [host]:port entry does not cover port 22, and port 22 entries do not cover other ports.
  assert.equal(checkHostKey(kh, 'node2', 22, keys.ed1.type, keys.ed1.blob).status, 'unknown');
  assert.equal(checkHostKey(kh, 'node1', 2222, keys.ed1.type, keys.ed1.blob).status, 'unknown');
});

test('hashed entries written by real `ssh-keygen -H` match (port 22 and [host]:port), and only their host', () => {
  const kh = hashFile(`node1 ${keys.ed1.type} ${keys.ed1.b64}\n[10.1.2.3]:2200 ${keys.ec1.type} ${keys.ec1.b64}\n`);
  assert.ok(usesHashing(kh));
  assert.ok(parseKnownHosts(kh).every((e) => e.patterns.startsWith('|1|')));
  assert.equal(checkHostKey(kh, 'node1', 22, keys.ed1.type, keys.ed1.blob).status, 'match');
  assert.equal(checkHostKey(kh, 'Node1', 22, keys.ed1.type, keys.ed1.blob).status, 'match');
  assert.equal(checkHostKey(kh, '10.1.2.3', 2200, keys.ec1.type, keys.ec1.blob).status, 'match');
  assert.equal(checkHostKey(kh, 'node11', 22, keys.ed1.type, keys.ed1.blob).status, 'unknown');
  assert.equal(checkHostKey(kh, '10.1.2.3', 22, keys.ec1.type, keys.ec1.blob).status, 'unknown');
  assert.deepEqual(checkHostKey(kh, 'node1', 22, keys.ed2.type, keys.ed2.blob), { status: 'mismatch', line: 1, expectedType: 'ssh-ed25519' });
});

test('our hashed lines are found by real `ssh-keygen -F` (OpenSSH-compatible hashing)', () => {
  const f = join(dir, 'ours');
  writeFileSync(f, `${formatKnownHostsLine('Swarm-Node', 2222, keys.ed1.blob, true)}\n${formatKnownHostsLine('10.9.8.7', 22, keys.ec1.blob, true)}\n`);
  const find = (name: string): string => spawnSync('ssh-keygen', ['-F', name, '-f', f], { encoding: 'utf8' }).stdout;
  assert.match(find('[swarm-node]:2222'), /Host \[swarm-node\]:2222 found: line 1/);
  assert.match(find('10.9.8.7'), /Host 10\.9\.8\.7 found: line 2/);
  assert.equal(find('swarm-node'), '');
  assert.match(formatKnownHostsLine('h', 22, keys.ed1.blob, false), /^h ssh-ed25519 /);
});

test('wildcards and negation', () => {
  assert.ok(hostMatchesPatterns('*.example.com', 'a.example.com'));
  assert.ok(!hostMatchesPatterns('*.example.com', 'example.com'));
  assert.ok(hostMatchesPatterns('10.0.0.?', '10.0.0.7'));
  assert.ok(!hostMatchesPatterns('10.0.0.?', '10.0.0.17'));
  assert.ok(!hostMatchesPatterns('!bad.example.com,*.example.com', 'bad.example.com'));
  assert.ok(hostMatchesPatterns('!bad.example.com,*.example.com', 'good.example.com'));
  assert.ok(!hostMatchesPatterns('!bad', 'other'), 'a negation alone matches nothing');
  assert.ok(hostMatchesPatterns('[*.lab]:2222', '[n1.lab]:2222'));
  assert.ok(!hostMatchesPatterns('a.b', 'axb'), 'dots are literal');
  assert.ok(!hostMatchesPatterns('|1|bad', 'x'));
  assert.ok(!hostMatchesPatterns('|1|!!!|???', 'x'));
  const kh = `!bad.lab,*.lab ${keys.ed1.type} ${keys.ed1.b64}\n`;
  assert.equal(checkHostKey(kh, 'n1.lab', 22, keys.ed1.type, keys.ed1.blob).status, 'match');
  assert.equal(checkHostKey(kh, 'bad.lab', 22, keys.ed1.type, keys.ed1.blob).status, 'unknown');
});

test('@revoked refuses the key even when another line lists it; @cert-authority lines are not host keys', () => {
  const kh = [`node1 ${keys.ed1.type} ${keys.ed1.b64}`, `@revoked * ${keys.ed1.type} ${keys.ed1.b64}`, `@cert-authority *.lab ${keys.ed2.type} ${keys.ed2.b64}`].join('\n');
  assert.deepEqual(checkHostKey(kh, 'node1', 22, keys.ed1.type, keys.ed1.blob), { status: 'revoked', line: 2 });
  assert.equal(checkHostKey(kh, 'x.lab', 22, keys.ed2.type, keys.ed2.blob).status, 'unknown');
});

test('mismatch only for the same key type; another type known → unknown with otherKeyTypes (as OpenSSH)', () => {
  const kh = `# comment\n\nnode1 ${keys.ec1.type} ${keys.ec1.b64}\nnode1 ${keys.ed1.type} ${keys.ed1.b64}\nnode2 ${keys.ec1.type} ${keys.ec1.b64}\n`;
  assert.deepEqual(checkHostKey(kh, 'node1', 22, keys.ed2.type, keys.ed2.blob), { status: 'mismatch', line: 4, expectedType: 'ssh-ed25519' });
  assert.deepEqual(checkHostKey(kh, 'node2', 22, keys.ed1.type, keys.ed1.blob), { status: 'unknown', otherKeyTypes: ['ecdsa-sha2-nistp256'] });
  assert.deepEqual(checkHostKey(kh, 'node1', 22, keys.ec1.type, keys.ec1.blob), { status: 'match', line: 3 });
});

test('garbage known_hosts lines are ignored without throwing', () => {
  const kh = 'x\n@revoked\n|1|||\n  \t\n@cert-authority a b\nnode1 ssh-ed25519\n\u0000\u0001 ssh-ed25519 AAAA\n';
  assert.equal(checkHostKey(kh, 'node1', 22, keys.ed1.type, keys.ed1.blob).status, 'unknown');
});

function policy(path: string, answer: UnknownHostChoice, extra: Partial<Parameters<typeof makeKnownHostsVerifier>[0]> = {}) {
  const asked: UnknownHostInfo[] = [];
  const refused: { line: number; status: string }[] = [];
  const verify = makeKnownHostsVerifier({
    knownHostsPath: path,
    onUnknown: async (i) => {
      asked.push(i);
      await new Promise((r) => setTimeout(r, 20));
      return answer;
    },
    onMismatch: (_i, line, d) => refused.push({ line, status: d.status }),
    ...extra,
  });
  return { verify, asked, refused };
}

test('verifier: match → trusted without asking; unknown → asked; once → trusted, nothing written', async () => {
  const f = join(dir, 'v1');
  writeFileSync(f, `[127.0.0.1]:2222 ${keys.ed1.type} ${keys.ed1.b64}\n`);
  const p = policy(f, 'once');
  assert.equal(await p.verify(info('127.0.0.1', 2222, keys.ed1)), true);
  assert.equal(p.asked.length, 0);
  assert.equal(await p.verify(info('127.0.0.1', 2223, keys.ed1)), true);
  assert.equal(p.asked.length, 1);
  assert.equal(p.asked[0].fingerprint, keys.ed1.fp);
  assert.equal(p.asked[0].keyType, 'ssh-ed25519');
  assert.equal(readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 1);
});

test('verifier: save appends a proper line (plain file → plain), then the host matches with no question', async () => {
  const f = join(dir, 'sub', 'dir', 'known_hosts');
  const p = policy(f, 'save');
  assert.equal(await p.verify(info('Node9', 2200, keys.ed1)), true);
  const text = readFileSync(f, 'utf8');
  assert.equal(text, `[node9]:2200 ${keys.ed1.type} ${keys.ed1.b64}\n`);
  assert.equal(await p.verify(info('node9', 2200, keys.ed1)), true);
  assert.equal(p.asked.length, 1);
  assert.match(spawnSync('ssh-keygen', ['-F', '[node9]:2200', '-f', f], { encoding: 'utf8' }).stdout, /found: line 1/);
});

test('verifier: save into a hashed file writes a hashed line that ssh-keygen -F finds', async () => {
  const f = join(dir, 'hashed');
  writeFileSync(f, hashFile(`other ${keys.ec1.type} ${keys.ec1.b64}`).trimEnd()); // no final newline
  const p = policy(f, 'save');
  assert.equal(await p.verify(info('10.20.30.40', 22, keys.ed2)), true);
  const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 2);
  assert.ok(lines[1].startsWith('|1|'));
  assert.ok(!readFileSync(f, 'utf8').includes('10.20.30.40'));
  assert.match(spawnSync('ssh-keygen', ['-F', '10.20.30.40', '-f', f], { encoding: 'utf8' }).stdout, /found: line 2/);
});

test('verifier: reject → refused; mismatch and revoked → refused with the line, never asked', async () => {
  const f = join(dir, 'v3');
  writeFileSync(f, `node1 ${keys.ed1.type} ${keys.ed1.b64}\n@revoked node2 ${keys.ed2.type} ${keys.ed2.b64}\n`);
  const p = policy(f, 'save');
  assert.equal(await p.verify(info('node1', 22, keys.ed2)), false);
  assert.equal(await p.verify(info('node2', 22, keys.ed2)), false);
  assert.deepEqual(p.refused, [{ line: 1, status: 'mismatch' }, { line: 2, status: 'revoked' }]);
  assert.equal(p.asked.length, 0);
  const r = policy(f, 'reject');
  assert.equal(await r.verify(info('node3', 22, keys.ed2)), false);
  assert.equal(r.asked.length, 1);
  assert.equal(readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 2);
});

test('verifier: extra (system) known_hosts files are consulted; other key types are passed to the question', async () => {
  const f = join(dir, 'v4');
  const sys = join(dir, 'ssh_known_hosts');
  writeFileSync(sys, `node5 ${keys.ed1.type} ${keys.ed1.b64}\nnode6 ${keys.ec1.type} ${keys.ec1.b64}\n`);
  const p = policy(f, 'reject', { extraKnownHostsPaths: [sys] });
  assert.equal(await p.verify(info('node5', 22, keys.ed1)), true);
  assert.equal(await p.verify(info('node6', 22, keys.ed1)), false);
  assert.deepEqual(p.asked[0].otherKeyTypes, ['ecdsa-sha2-nistp256']);
});

test('verifier: concurrent connections to one unknown host share one question and write one line', async () => {
  const f = join(dir, 'v5');
  const p = policy(f, 'save');
  const rs = await Promise.all([1, 2, 3, 4].map(() => p.verify(info('node7', 22, keys.ed1))));
  assert.deepEqual(rs, [true, true, true, true]);
  assert.equal(p.asked.length, 1);
  assert.equal(readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 1);
});

test('verifier: an unreadable known_hosts or a failing prompt refuses (rejects), never trusts', async () => {
  const d = join(dir, 'adir');
  mkdirSync(d);
  const p = policy(d, 'once');
  await assert.rejects(Promise.resolve(p.verify(info('x', 22, keys.ed1))), /EISDIR/);
  const f = join(dir, 'v6');
  const v = makeKnownHostsVerifier({ knownHostsPath: f, onUnknown: async () => Promise.reject(new Error('dialog closed')), onMismatch: () => undefined });
  await assert.rejects(Promise.resolve(v(info('x', 22, keys.ed1))), /dialog closed/);
});
