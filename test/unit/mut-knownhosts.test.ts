/**
 * known_hosts details the survivors of a mutation run asked about: whitespace and comments as OpenSSH reads them
 * (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT": fields separated by spaces or tabs, lines starting with '#' and empty
 * lines are comments), markers, glob metacharacters that are literal in a host name, malformed hashed entries,
 * key-type blobs at their bounds, and what the verifier writes and reports.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkHostKey, fingerprintSha256, hostMatchesPatterns, keyTypeOfBlob, makeKnownHostsVerifier, parseKnownHosts, type UnknownHostChoice, type UnknownHostInfo } from '../../src/core/transport/knownHosts';
import type { HostKeyInfo } from '../../src/core/transport/ssh';

/** An SSH public key blob: string type, then a 32-byte body (the shape of ssh-ed25519). */
function blob(type: string, fill: number): Buffer {
  const t = Buffer.from(type);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(t.length);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(32);
  return Buffer.concat([head, t, len, Buffer.alloc(32, fill)]);
}
const K1 = blob('ssh-ed25519', 1);
const K2 = blob('ssh-ed25519', 2);
const b64 = (b: Buffer): string => b.toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'ts-kh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parse: leading blanks, tabs and runs of spaces separate fields; # lines and blank lines are comments; CRLF', () => {
  const text = `  node1\t ssh-ed25519   ${b64(K1)}  \r\n# node2 ssh-ed25519 ${b64(K1)}\r\n\r\n#node3 a b\n@cert-authority *.lab ssh-ed25519 ${b64(K2)}\n@revoked node4 ssh-ed25519 ${b64(K2)}\n`;
  assert.deepEqual(parseKnownHosts(text), [
    { marker: undefined, patterns: 'node1', keyType: 'ssh-ed25519', keyBase64: b64(K1), line: 1 },
    { marker: '@cert-authority', patterns: '*.lab', keyType: 'ssh-ed25519', keyBase64: b64(K2), line: 5 },
    { marker: '@revoked', patterns: 'node4', keyType: 'ssh-ed25519', keyBase64: b64(K2), line: 6 },
  ]);
  assert.deepEqual(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K1), { status: 'match', line: 1 });
  assert.deepEqual(checkHostKey(text, 'node2', 22, 'ssh-ed25519', K1), { status: 'unknown' }, 'a commented-out line is no entry');
  assert.deepEqual(checkHostKey(text, 'a.lab', 22, 'ssh-ed25519', K2), { status: 'unknown' }, 'a CA key is not a host key');
});

test('patterns: only * and ? are wildcards; every other character, regex-special or not, is literal', () => {
  for (const [pat, name] of [['a+b', 'a+b'], ['(x)', '(x)'], ['a$b', 'a$b'], ['x^y', 'x^y'], ['a|b', 'a|b'], ['{a}', '{a}'], ['a\\b', 'a\\b'], ['[n]:22', '[n]:22']]) {
    assert.equal(hostMatchesPatterns(pat, name), true, `${pat} matches ${name}`);
  }
  assert.equal(hostMatchesPatterns('a+b', 'aab'), false);
  assert.equal(hostMatchesPatterns('a|b', 'a'), false);
  assert.equal(hostMatchesPatterns('NODE?', 'node1'), true, 'case-insensitive');
});

test('hashed entries: a missing salt or hash is no match, even when the HMAC of the empty salt would agree', () => {
  const emptySaltHash = createHmac('sha1', Buffer.alloc(0)).update('node1').digest('base64');
  assert.equal(hostMatchesPatterns(`|1||${emptySaltHash}`, 'node1'), false);
  const salt = Buffer.alloc(20, 7);
  const good = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('node1').digest('base64')}`;
  assert.equal(hostMatchesPatterns(good, 'node1'), true);
  assert.equal(hostMatchesPatterns(`${good.split('|').slice(0, 3).join('|')}|`, 'node1'), false, 'no hash');
});

test('keyTypeOfBlob at its bounds: empty type, 64 and 65 characters, a blob one byte short', () => {
  const typed = (t: string, extra = 0): Buffer => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(t.length);
    return Buffer.concat([h, Buffer.from(t), Buffer.alloc(extra)]);
  };
  assert.equal(keyTypeOfBlob(typed('')), 'unknown');
  assert.equal(keyTypeOfBlob(typed('x'.repeat(64))), 'x'.repeat(64));
  assert.equal(keyTypeOfBlob(typed('x'.repeat(65))), 'unknown');
  assert.equal(keyTypeOfBlob(typed('ssh-rsa')), 'ssh-rsa', 'exactly 4 + len bytes');
  assert.equal(keyTypeOfBlob(typed('ssh-rsa').subarray(0, 10)), 'unknown', 'one byte short');
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 7])), 'unknown');
  assert.equal(keyTypeOfBlob(K1), 'ssh-ed25519');
  assert.match(fingerprintSha256(K1), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

const info = (host: string, key = K1, port = 22): HostKeyInfo => ({ host, port, keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(key), key });

function verifier(path: string, answer: UnknownHostChoice, extraKnownHostsPaths?: string[]) {
  const asked: UnknownHostInfo[] = [];
  const refused: unknown[] = [];
  const verify = makeKnownHostsVerifier({
    knownHostsPath: path,
    extraKnownHostsPaths,
    onUnknown: async (i) => (asked.push(i), answer),
    onMismatch: (i, line, detail) => refused.push({ host: i.host, line, ...detail }),
  });
  return { verify, asked, refused };
}

test('verifier: a mismatch reports the file, the line and the type expected; a revoked key no expected type', async () => {
  const f = join(dir, 'mm');
  writeFileSync(f, `# mine\nnode1 ssh-ed25519 ${b64(K1)}\n@revoked node2 ssh-ed25519 ${b64(K2)}\n`);
  const v = verifier(f, 'once');
  assert.equal(await v.verify(info('node1', K2)), false);
  assert.equal(await v.verify(info('node2', K2)), false);
  assert.deepEqual(v.refused, [
    { host: 'node1', line: 2, status: 'mismatch', path: f, expectedType: 'ssh-ed25519' },
    { host: 'node2', line: 3, status: 'revoked', path: f, expectedType: undefined },
  ]);
  assert.deepEqual(v.asked, []);
});

test('verifier: reject is a refusal; save into a plain file without a final newline adds one line, plain, mode 0600', async () => {
  const f = join(dir, 'plain');
  writeFileSync(f, `other ssh-ed25519 ${b64(K2)}`);
  assert.equal(await verifier(f, 'reject').verify(info('node9')), false);
  assert.equal(readFileSync(f, 'utf8'), `other ssh-ed25519 ${b64(K2)}`, 'nothing written on reject');
  assert.equal(await verifier(f, 'save').verify(info('Node9', K1, 2200)), true);
  assert.equal(readFileSync(f, 'utf8'), `other ssh-ed25519 ${b64(K2)}\n[node9]:2200 ssh-ed25519 ${b64(K1)}\n`);
  const blankFirst = join(dir, 'blank-first');
  writeFileSync(blankFirst, `\nother ssh-ed25519 ${b64(K2)}`);
  assert.equal(await verifier(blankFirst, 'save').verify(info('node9')), true);
  assert.equal(readFileSync(blankFirst, 'utf8'), `\nother ssh-ed25519 ${b64(K2)}\nnode9 ssh-ed25519 ${b64(K1)}\n`, 'a file that starts with a blank line');
  const fresh = join(dir, 'new-dir', 'known_hosts');
  assert.equal(await verifier(fresh, 'save').verify(info('n')), true);
  assert.equal(statSync(fresh).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'new-dir')).mode & 0o777, 0o700);
});

test('verifier: concurrent questions are shared per host, port and key, not across hosts', async () => {
  const v = verifier(join(dir, 'conc'), 'once');
  const rs = await Promise.all([v.verify(info('a')), v.verify(info('A')), v.verify(info('b')), v.verify(info('a', K1, 2222)), v.verify(info('a', K2))]);
  assert.deepEqual(rs, [true, true, true, true, true]);
  // one question each (the order the questions come in depends on file reads finishing)
  assert.deepEqual(v.asked.map((i) => `${i.host.toLowerCase()}:${i.port}:${i.fingerprint === fingerprintSha256(K2) ? 'K2' : 'K1'}`).sort(), ['a:2222:K1', 'a:22:K1', 'a:22:K2', 'b:22:K1']);
});

test('verifier: with no extra files only the user\'s file is read', async () => {
  const f = join(dir, 'only');
  writeFileSync(f, `x ssh-ed25519 ${b64(K1)}\n`);
  const v = verifier(f, 'reject');
  assert.equal(await v.verify(info('x')), true);
  assert.equal(await v.verify(info('y')), false);
  assert.deepEqual(v.asked[0].otherKeyTypes, []);
  assert.equal(v.asked[0].knownHostsPath, f);
});
