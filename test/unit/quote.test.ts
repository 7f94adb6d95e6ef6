/**
 * shellJoin/quoteArg against real shells (dash as /bin/sh, and bash): random and hostile strings, joined into
 * one command line, must come back as the very same argv, byte for byte.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { quoteArg, shellJoin } from '../../src/core/transport/quote';
import { fuzzSeed, prng } from '../prng';


const SPECIAL = ` \t\n'"\\$\`!*?[]{}()<>|&;#~=%^,:@-+./\r\u00a0é☃`;

function randomArg(rnd: () => number): string {
  const len = Math.floor(rnd() * 12);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rnd();
    if (r < 0.5) s += SPECIAL[Math.floor(rnd() * SPECIAL.length)];
    else if (r < 0.9) s += String.fromCharCode(0x20 + Math.floor(rnd() * 95));
    else s += String.fromCharCode(1 + Math.floor(rnd() * 31));
  }
  return s;
}

const seed = fuzzSeed(process.env.FUZZ_SEED, 0x5eed);
const shells = ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s));

test(`shellJoin round-trips 3000 random arguments through ${shells.join(' and ')} (seed ${seed})`, () => {
  assert.ok(shells.includes('/bin/sh'));
  const rnd = prng(seed);
  const args = Array.from({ length: 3000 }, () => randomArg(rnd));
  for (const sh of shells) {
    const line = shellJoin(['printf', '%s\\0', ...args]);
    const out = execFileSync(sh, ['-c', line], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const got = out.split('\0');
    assert.equal(got.pop(), '');
    assert.deepEqual(got, args, sh);
  }
});

test('quoteArg: safe words stay bare, everything else is single-quoted; empty and NUL handled', () => {
  assert.equal(quoteArg('ip'), 'ip');
  assert.equal(quoteArg('--net=/var/run/docker/netns/1-abc'), '--net=/var/run/docker/netns/1-abc');
  assert.equal(quoteArg(''), "''");
  assert.equal(quoteArg("it's"), "'it'\\''s'");
  assert.equal(quoteArg('a b'), "'a b'");
  assert.equal(quoteArg('~'), "'~'");
  assert.equal(quoteArg('*'), "'*'");
  assert.throws(() => quoteArg('a\0b'), /NUL/);
  assert.throws(() => shellJoin([]), /empty/);
});
