/**
 * Fuzz: seeded random mutations of real rule files never crash or hang the linter, and each document lints within a
 * bounded time. Deterministic (fixed seed); a failure prints the seed index and the document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter, lintRules } from '../../src/core/lint/linter';
import type { LintContext } from '../../src/core/lint/types';
import { SEEDS } from '../helpers';
import { LINT_FIXTURES } from './lint-helpers';

export function rng(seed: number): (k: number) => number {
  let s = seed >>> 0;
  return (k: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
}

const TOKENS = ['-A', '-I', '-D', '-R', '-N', '-P', '-F', '-X', '-E', '-t', 'nat', 'DOCKER-USER', 'FORWARD', 'INPUT', '!', '-p', 'tcp', 'udp', 'esp', '50', '-m', 'conntrack', 'multiport', 'policy', 'set', 'comment',
  '--ctstate', 'RELATED,ESTABLISHED', '--ctorigdstport', '--dport', '--dports', '80,443', '1:65535', '-s', '-d', '10.0.0.0/8', '300.1.1.1', '-i', '-o', 'eth0', 'docker0', 'br-0123456789ab', '-j', '-g', 'DROP', 'RETURN',
  'ACCEPT', 'REJECT', '--reject-with', 'DNAT', '--to-destination', '172.18.0.2:8080', '"', "'", '\\', '#', '*filter', '*nat', 'COMMIT', ':DOCKER-USER - [0:0]', ':INPUT DROP [0:0]', '[1:2]', '--pol', 'none', '--dir', 'in',
  '4789', '2377', '7946', 'iptables', 'sudo', '|| true', ';', '$IPT', '-m tcp', '--match-set', 'x', 'src', '\t', '', '-', '--', '---', '😀', '\u0000', '\r'];

export function mutate(text: string, r: (k: number) => number): string {
  const lines = text.split('\n');
  const n = 1 + r(6);
  for (let k = 0; k < n; k++) {
    const i = r(Math.max(lines.length, 1));
    const line = lines[i] ?? '';
    switch (r(9)) {
      case 0: // delete a line
        lines.splice(i, 1);
        break;
      case 1: // duplicate a line
        lines.splice(i, 0, line);
        break;
      case 2: {
        // truncate a line
        lines[i] = line.slice(0, r(line.length + 1));
        break;
      }
      case 3: {
        // insert a token
        const at = r(line.length + 1);
        lines[i] = `${line.slice(0, at)} ${TOKENS[r(TOKENS.length)]} ${line.slice(at)}`;
        break;
      }
      case 4: {
        // delete a word
        const words = line.split(' ');
        words.splice(r(words.length), 1);
        lines[i] = words.join(' ');
        break;
      }
      case 5: {
        // swap two lines
        const j = r(Math.max(lines.length, 1));
        [lines[i], lines[j]] = [lines[j] ?? '', line];
        break;
      }
      case 6: {
        // random characters
        const at = r(line.length + 1);
        let junk = '';
        for (let c = 0; c < 1 + r(6); c++) junk += String.fromCharCode(r(3) === 0 ? r(128) : 32 + r(95));
        lines[i] = line.slice(0, at) + junk + line.slice(at);
        break;
      }
      case 7: // a line of random tokens
        lines.splice(i, 0, Array.from({ length: 1 + r(12) }, () => TOKENS[r(TOKENS.length)]).join(' '));
        break;
      default: {
        // replace one word with a token
        const words = line.split(' ');
        words[r(words.length)] = TOKENS[r(TOKENS.length)];
        lines[i] = words.join(' ');
      }
    }
  }
  return lines.join(r(10) === 0 ? '\r\n' : '\n');
}

export function corpusTexts(): string[] {
  const out: string[] = [];
  for (const sub of ['broken', 'good', 'dumps']) {
    const dir = join(LINT_FIXTURES, sub);
    for (const f of readdirSync(dir)) out.push(readFileSync(join(dir, f), 'utf8'));
  }
  for (const f of readdirSync(SEEDS).filter((x) => x.endsWith('.S.txt'))) out.push(readFileSync(join(SEEDS, f), 'utf8'));
  return out;
}

const CTX = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'node-a.json'), 'utf8')) as LintContext;
const DOCS = 2500;
const PER_DOC_MS = 50;

test(`fuzz: ${DOCS} seeded mutations never throw, always return well-formed diagnostics, each < ${PER_DOC_MS} ms`, () => {
  const texts = corpusTexts();
  assert.ok(texts.length > 30);
  const r = rng(20261123);
  let worst = 0;
  let total = 0;
  let slow = 0;
  for (let i = 0; i < DOCS; i++) {
    let doc = texts[r(texts.length)];
    if (r(4) === 0) doc += `\n${texts[r(texts.length)]}`;
    doc = mutate(doc, r);
    const ctx = r(3) === 0 ? CTX : undefined;
    const t0 = performance.now();
    let res;
    try {
      res = lintRules(doc, ctx);
    } catch (e) {
      assert.fail(`doc #${i} threw ${e instanceof Error ? e.stack : String(e)}\n---\n${doc}`);
    }
    const ms = performance.now() - t0;
    total += ms;
    worst = Math.max(worst, ms);
    // a loaded CI machine can stall one run: re-time once before calling it slow
    if (ms > PER_DOC_MS) {
      const t1 = performance.now();
      lintRules(doc, ctx);
      if (performance.now() - t1 > PER_DOC_MS) slow++;
    }
    const nLines = doc.split('\n').length;
    for (const d of res.diagnostics) {
      assert.ok(typeof d.code === 'string' && d.code.includes('/'), `doc #${i}: bad code ${d.code}`);
      assert.ok(d.span.line >= 0 && d.span.line < nLines, `doc #${i}: span line ${d.span.line} outside the doc (${nLines} lines)`);
      assert.ok(d.span.start >= 0 && d.span.end >= d.span.start, `doc #${i}: bad span ${JSON.stringify(d.span)}`);
      for (const f of d.fixes) for (const e of f.edits) assert.ok(e.range.start.line >= 0 && e.range.start.line <= nLines, `doc #${i}: fix edit outside the doc`);
    }
  }
  assert.equal(slow, 0, `${slow} documents took > ${PER_DOC_MS} ms twice (worst ${worst.toFixed(1)} ms)`);
  console.log(`fuzz: ${DOCS} docs, mean ${(total / DOCS).toFixed(2)} ms, worst ${worst.toFixed(1)} ms`);
});

test('fuzz: the incremental linter agrees with a fresh lint after every mutation of the same document', () => {
  const texts = corpusTexts();
  const r = rng(7);
  for (let d = 0; d < 20; d++) {
    const linter = new Linter();
    let doc = texts[r(texts.length)];
    for (let step = 0; step < 15; step++) {
      doc = mutate(doc, r);
      const inc = linter.lint(doc);
      const fresh = lintRules(doc);
      assert.deepEqual(inc, fresh, `doc ${d} step ${step} differs:\n${doc}`);
    }
  }
});
