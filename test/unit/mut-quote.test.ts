/**
 * Quoting against the expansions a shell performs on an unquoted word: brace expansion (bash only: `{a,b}`,
 * `a{b,c}d`, `{1..3}`), comments (`#`), globs (`*`, `[ab]`, `?`), tilde expansion (`~user`), and more. Each argv is
 * sent through the real `sh` (dash) and `bash` as one command line and must arrive unchanged, byte for byte.
 * The expected argv is the input itself, written before running our code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { quoteArg, shellJoin } from '../../src/core/transport/quote';

/** Runs `printf '%s\0' argv…` through the shell in a directory holding files a glob would match. */
function roundTrip(shell: string, argv: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ts-quote-'));
  try {
    for (const f of ['a', 'b', 'ab', 'x.rules', '-rf']) writeFileSync(join(dir, f), '');
    const out = execFileSync(shell, ['-c', shellJoin(['printf', '%s\\0', ...argv])], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: '/root' } });
    const got = out.split('\0');
    assert.equal(got.pop(), '', 'output ends with the last NUL');
    return got;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HOSTILE = ['{a,b}', 'a{b,c}d', '{1..3}', '#', 'a#b', '#comment', '[ab]', '~root', '~', '~/x', '*', '*.rules', '?', 'a?', '$HOME', '${HOME}', '$(id)', '`id`', "it's", 'a b', '\t', '\n', '!', '!!', 'a=b c', '%', '-rf', '&', ';', '|', '<x', '>x', '\\', '"', ''];

for (const shell of ['/bin/sh', '/bin/bash']) {
  test(`shellJoin: ${HOSTILE.length} words a shell would expand arrive unchanged through ${shell}`, () => {
    for (const word of HOSTILE) assert.deepEqual(roundTrip(shell, [word]), [word], `${shell}: ${JSON.stringify(word)}`);
    assert.deepEqual(roundTrip(shell, HOSTILE), HOSTILE, `${shell}: all at once`);
  });
}

test('bash really expands the unquoted forms (the round trip above is not vacuous)', () => {
  const raw = execFileSync('/bin/bash', ['-c', "printf '%s\\0' a{b,c}d {1..3} ~root x#y #z"], { encoding: 'utf8', env: { ...process.env, HOME: '/root' } });
  assert.deepEqual(raw.split('\0').slice(0, -1), ['abd', 'acd', '1', '2', '3', '/root', 'x#y']);
});

test('quoteArg: every character that any shell treats specially forces quotes; a word of only safe characters stays bare', () => {
  for (const ch of ' \t\n\'"\\$`!*?[]{}()<>|&;#~^') assert.equal(quoteArg(`a${ch}b`).startsWith("'"), true, JSON.stringify(ch));
  for (const word of ['A-Za-z0_9', 'user@host', '50%', 'a+b', 'k=v', 'x:y', 'a,b', '/var/run/docker/netns/1-abc', '-t', 'nat']) assert.equal(quoteArg(word), word);
  assert.equal(quoteArg('a\u00e9'), "'a\u00e9'", 'non-ASCII is quoted');
  assert.equal(quoteArg("'"), "''\\'''");
  assert.equal(quoteArg("a''b"), "'a'\\'''\\''b'", 'every single quote is escaped, not only the first');
  assert.equal(shellJoin(['ip', 'a b']), "ip 'a b'");
  assert.throws(() => quoteArg('\0'), /NUL byte/);
});
