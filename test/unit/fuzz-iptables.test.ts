/**
 * Fuzzing both iptables parsers (rules: save/-S/command lines; listings: -nvL) with seeded, reproducible mutations of
 * the real dumps: byte flips, truncation, token deletion/duplication, random unicode, very long lines. The parsers
 * must never throw, must stay fast on every input, and their output must stay well-formed (spans inside the input,
 * stable codes). Set FUZZ_SEED to reproduce another run; a failure prints the seed and input index.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEEDS, FIXTURES, seed, fixture } from '../helpers';
import { DIAG, parseIptablesList, parseRules } from '../../src/core/iptables/parse';
import type { Ruleset, TableName } from '../../src/core/iptables/model';
import { fuzzSeed, prng } from '../prng';

const SEED = fuzzSeed(process.env.FUZZ_SEED, 0x5eed1234);
const TOTAL = 100_000;
/**
 * Per-input time bound, linear in the input size: 250 ms + 5 ms per 1,000 characters (generous: CI machines are
 * shared). A quadratic blow-up on the 100-300 kB inputs below would take seconds.
 */
function boundMs(chars: number): number {
  return 250 + (5 * chars) / 1000;
}


interface Corpus {
  text: string;
  list: boolean;
  table: TableName;
}

function corpus(): Corpus[] {
  const out: Corpus[] = [];
  const add = (name: string, text: string): void => {
    const m = /\.(filter|nat|mangle|raw)\./.exec(name);
    out.push({ text, list: name.includes('nvL'), table: (m?.[1] ?? 'filter') as TableName });
  };
  for (const f of readdirSync(SEEDS).sort()) if (/\.S\.txt$|nvL|iptables-save/.test(f)) add(f, seed(f));
  const lab = join(FIXTURES, 'lab-captured');
  for (const f of readdirSync(lab).sort()) if (/\.S\.txt$|nvL|iptables-save/.test(f)) add(f, fixture(`lab-captured/${f}`));
  // command lines too
  add(
    'cmds.filter.sh',
    [
      'sudo iptables -w -I DOCKER-USER 1 -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      "iptables -A DOCKER-USER -p tcp -m multiport --dports 80,443 -m comment --comment 'web \"x\"' -j ACCEPT",
      'iptables -t nat -A PREROUTING -p udp \\',
      '  --dport 4789 -m policy --dir in --pol none -j DROP || true',
      'ip6tables -D DOCKER-USER -s 10.0.0.0/8 ! -d 10.1.0.0/16 -j DROP # done',
    ].join('\n'),
  );
  return out;
}

const SPECIAL = ['!', '-', '--', '"', "'", '\\', '\n', ':', '/', '*', '/*', '*/', '[', ']', '(', ')', ',', '=', '#', '|', ';', '&', ' ', '\t', '\r', '0x', 'K', 'M'];
const UNICODE = ['\u0000', '\u00e9', '\u200b', '\u202e', '\ud83d\ude00', '\ud800', '\udfff', '\ufeff', '\u2028', 'Ω', '中'];

function mutate(src: string, r: () => number): string {
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const pos = (): number => Math.floor(r() * (src.length + 1));
  switch (Math.floor(r() * 8)) {
    case 0: {
      // byte flips
      const chars = src.split('');
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n && chars.length; k++) {
        const i = Math.floor(r() * chars.length);
        chars[i] = r() < 0.5 ? String.fromCharCode(32 + Math.floor(r() * 95)) : pick(SPECIAL);
      }
      return chars.join('');
    }
    case 1:
      return src.slice(0, pos()); // truncation
    case 2: {
      // token deletion
      const toks = src.split(/( +|\n)/);
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n && toks.length; k++) toks.splice(Math.floor(r() * toks.length), 1);
      return toks.join('');
    }
    case 3: {
      // token duplication / swap
      const toks = src.split(' ');
      const i = Math.floor(r() * toks.length);
      const j = Math.floor(r() * toks.length);
      if (r() < 0.5) toks.splice(j, 0, toks[i]);
      else [toks[i], toks[j]] = [toks[j], toks[i]];
      return toks.join(' ');
    }
    case 4: {
      // random unicode
      let s = src;
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n; k++) {
        const p = Math.floor(r() * (s.length + 1));
        s = s.slice(0, p) + pick(UNICODE) + s.slice(p);
      }
      return s;
    }
    case 5: {
      // line shuffle / duplication
      const lines = src.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(Math.floor(r() * lines.length), 0, lines[i]);
      return lines.join('\n');
    }
    case 6: {
      // special tokens inserted
      const p = pos();
      return `${src.slice(0, p)} ${pick(SPECIAL)}${pick(['', '-A', '-j', '-m', '--dport', 'Chain', '!', 'tcp', 'dpt:', 'to:', '/*', 'MARK set'])} ${src.slice(p)}`;
    }
    default: {
      // a window of a few lines (keeps most inputs small)
      const lines = src.split('\n');
      const i = Math.floor(r() * lines.length);
      return lines.slice(i, i + 1 + Math.floor(r() * 4)).join('\n');
    }
  }
}

function longInputs(r: () => number, base: Corpus[]): Corpus[] {
  const out: Corpus[] = [];
  const big = 'x'.repeat(100_000);
  out.push({ text: `-A X ${'-m tcp '.repeat(15_000)}-j ACCEPT`, list: false, table: 'filter' });
  out.push({ text: `-A X -m comment --comment "${big}`, list: false, table: 'filter' });
  out.push({ text: `iptables -A X ${'\\\n-s 1.2.3.4 '.repeat(10_000)}`, list: false, table: 'filter' });
  out.push({ text: `-A X ${'! '.repeat(30_000)}`, list: false, table: 'filter' });
  out.push({ text: `-A X ${"'a".repeat(30_000)}`, list: false, table: 'filter' });
  out.push({ text: '-A X -j ACCEPT\n'.repeat(20_000), list: false, table: 'filter' });
  out.push({ text: `Chain X (1 references)\n    0     0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ${'/* '.repeat(30_000)}`, list: true, table: 'filter' });
  out.push({ text: `Chain X (1 references)\n    0     0 LOG all -- * * 0.0.0.0/0 0.0.0.0/0 LOG ${'prefix " '.repeat(20_000)}`, list: true, table: 'filter' });
  out.push({ text: `Chain X (1 references)\n    0     0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ${'ctstate '.repeat(30_000)}`, list: true, table: 'filter' });
  out.push({ text: `Chain X (${big})\n`, list: true, table: 'filter' });
  for (let k = 0; k < 20; k++) {
    const c = base[Math.floor(r() * base.length)];
    const line = c.text.split('\n').find((l) => l.length > 20) ?? c.text;
    out.push({ text: line.repeat(2000), list: c.list, table: c.table });
  }
  return out;
}

function wellFormed(rs: Ruleset, text: string): void {
  const lines = text.split('\n');
  const codes = new Set<string>(Object.values(DIAG));
  for (const d of rs.diagnostics) {
    assert.ok(codes.has(d.code), `unknown code ${d.code}`);
    assert.ok(d.span.line >= 0 && d.span.line < lines.length, `span line ${d.span.line} outside ${lines.length} lines`);
    assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= lines[d.span.line].length, `bad span ${JSON.stringify(d.span)} for line of ${lines[d.span.line].length}`);
    assert.equal(d.line, d.span.line + 1);
  }
  assert.ok(rs.rules.length <= lines.length);
  for (const t of rs.tables.values()) for (const c of t.chains.values()) c.rules.forEach((x, i) => assert.equal(x.index, i));
}

describe('fuzz: iptables parsers', () => {
  it(`${TOTAL.toLocaleString('en')}+ mutated inputs: no throw, bounded time, well-formed output`, () => {
    const r = prng(SEED);
    const base = corpus();
    assert.ok(base.length >= 25);
    let count = 0;
    let maxMs = 0;
    let maxAt = -1;
    let worst = 0; // max of ms / bound
    let worstAt = -1;
    let worstMs = 0;
    let worstLen = 0;
    let rules = 0;
    let diags = 0;
    const t0 = performance.now();
    const run = (c: Corpus, text: string, idx: number, listParser: boolean): void => {
      const s = performance.now();
      let rs: Ruleset;
      try {
        rs = listParser ? parseIptablesList(text, c.table) : parseRules(text, { defaultTable: c.table });
      } catch (e) {
        assert.fail(`seed ${SEED} input ${idx} threw ${String(e)}: ${JSON.stringify(text.slice(0, 300))}`);
      }
      let ms = performance.now() - s;
      if (ms > boundMs(text.length)) {
        // a GC pause or a busy machine, or really slow? re-time it: the best of 6 decides.
        for (let k = 0; k < 5; k++) {
          const s2 = performance.now();
          if (listParser) parseIptablesList(text, c.table);
          else parseRules(text, { defaultTable: c.table });
          ms = Math.min(ms, performance.now() - s2);
        }
      }
      if (ms > maxMs) {
        maxMs = ms;
        maxAt = idx;
      }
      const ratio = ms / boundMs(text.length);
      if (ratio > worst) {
        worst = ratio;
        worstAt = idx;
        worstMs = ms;
        worstLen = text.length;
      }
      count++;
      rules += rs.rules.length;
      diags += rs.diagnostics.length;
      if (idx % 97 === 0 || text.length > 50_000) wellFormed(rs, text);
    };
    const long = longInputs(r, base);
    let idx = 0;
    while (count < TOTAL) {
      const c = base[Math.floor(r() * base.length)];
      // half of the inputs start from a window of a few lines (keeps the run short), half from the whole dump
      let src = c.text;
      if (r() < 0.5) {
        const lines = src.split('\n');
        const at = Math.floor(r() * lines.length);
        src = lines.slice(Math.max(0, at - 1), at + 1 + Math.floor(r() * 3)).join('\n');
      }
      let text = mutate(src, r);
      if (r() < 0.3) text = mutate(text, r);
      // mostly the parser of the input's format, sometimes the other one (format confusion)
      run(c, text, idx, r() < 0.85 ? c.list : !c.list);
      idx++;
    }
    // the long inputs last (JIT warm): -1, -2, ...
    long.forEach((c, k) => run(c, c.text, -1 - k, c.list));
    const total = performance.now() - t0;
    console.log(
      `fuzz-iptables: ${count} inputs (seed ${SEED}) in ${(total / 1000).toFixed(1)} s; max ${maxMs.toFixed(1)} ms per input (input ${maxAt}); ` +
        `closest to the bound: input ${worstAt} (${worstLen} chars) ${worstMs.toFixed(1)} ms = ${(worst * 100).toFixed(0)}% of ${boundMs(worstLen).toFixed(0)} ms; ${rules} rules, ${diags} diagnostics`,
    );
    assert.ok(worst < 1, `input ${worstAt} (${worstLen} chars) took ${worstMs.toFixed(1)} ms (bound ${boundMs(worstLen).toFixed(0)} ms)`);
    assert.ok(diags > count / 10, 'mutations do produce diagnostics');
    assert.ok(rules > count, 'mutations keep most rules parseable');
  });
});
