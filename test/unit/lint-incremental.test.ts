/**
 * The incremental linter (one Linter per document, reusing its per-line cache and the previous run's lines) gives
 * exactly what a fresh full lint gives, after every step of a sequence of editor-like edits: typing and deleting
 * characters, inserting, deleting, duplicating and moving lines, pasting lines of other files (which brings
 * `*table`/COMMIT lines and continuations), over the real-world rule sets and dumps and the bench's 5,000-rule file.
 * Fixed seeds; a failure names the file, the step and the edit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linter, lintRules } from '../../src/core/lint/engine';
import type { LintContext, LintOptions } from '../../src/core/lint/types';
import { REAL_DUMPS, REAL_WORLD, loadDir } from '../../scripts/lint-score';
import { makeRules } from '../fixtures/lint/generate';
import { rng } from './lint-helpers';

type Rnd = (k: number) => number;

const TYPED = [' ', '-', 'A', 'j', 'D', 'R', 'O', 'P', '0', '1', '/', '.', ':', ',', '!', '\\', '*', '$', '"'];

/** One editor-like edit of the lines (in place); returns what it did, for the failure message. */
function edit(lines: string[], pool: string[], r: Rnd): string {
  const i = r(Math.max(lines.length, 1));
  const line = lines[i] ?? '';
  switch (r(8)) {
    case 0: {
      const at = r(line.length + 1);
      lines[i] = line.slice(0, at) + TYPED[r(TYPED.length)] + line.slice(at);
      return `type a character on line ${i + 1}`;
    }
    case 1: {
      const at = r(Math.max(line.length, 1));
      lines[i] = line.slice(0, at) + line.slice(at + 1);
      return `delete a character on line ${i + 1}`;
    }
    case 2:
      lines.splice(i, 1);
      return `delete line ${i + 1}`;
    case 3:
      lines.splice(i, 0, line);
      return `duplicate line ${i + 1}`;
    case 4: {
      const [moved] = lines.splice(i, 1);
      const to = r(lines.length + 1);
      lines.splice(to, 0, moved ?? '');
      return `move line ${i + 1} to ${to + 1}`;
    }
    case 5:
      lines.splice(i, 0, pool[r(pool.length)]);
      return `paste a line before line ${i + 1}`;
    case 6:
      lines[i] = pool[r(pool.length)];
      return `replace line ${i + 1}`;
    default:
      lines.splice(i, 1 + r(3), ...Array.from({ length: r(4) }, () => pool[r(pool.length)]));
      return `replace a block at line ${i + 1}`;
  }
}

function assertSameAsFresh(name: string, docs: { text: string; context?: LintContext }[], steps: number, seed: number, options?: LintOptions): void {
  const pool = docs.flatMap((d) => d.text.split('\n'));
  const r = rng(seed);
  for (const d of docs) {
    const linter = new Linter(d.context);
    const lines = d.text.split('\n');
    assert.deepEqual(linter.lint(d.text, options), lintRules(d.text, d.context, options), `${name}: first lint differs`);
    const done: string[] = [];
    for (let step = 0; step < steps; step++) {
      done.push(edit(lines, pool, r));
      const text = lines.join('\n');
      assert.deepEqual(linter.lint(text, options), lintRules(text, d.context, options), `${name}: after ${done.join(', ')}:\n${text}`);
    }
  }
}

test('incremental = fresh: editor-like edits of the real-world rule sets (with their node contexts)', () => {
  const docs = loadDir(REAL_WORLD).map((e) => ({ text: e.text, context: e.context }));
  assert.ok(docs.length >= 40);
  assertSameAsFresh('real-world', docs, 12, 20261206);
});

test('incremental = fresh: editor-like edits of the real dumps and listings', () => {
  const docs = loadDir(REAL_DUMPS).map((e) => ({ text: e.text, context: e.context }));
  assert.ok(docs.length >= 25);
  assertSameAsFresh('real-dumps', docs, 8, 1206);
});

test('incremental = fresh: edits of the 5,000-rule bench file, the bench edits and random ones', () => {
  const text = makeRules(5000);
  const linter = new Linter();
  linter.lint(text);
  const lines = text.split('\n');
  const pool = makeRules(300, 7).split('\n');
  const r = rng(5000);
  // the bench's one-line edits, each undone, then keystrokes at the end of a line, then random edits that stay
  for (let i = 0; i < 4; i++) {
    const copy = [...lines];
    copy[100 + ((i * 211) % 4800)] = `-A DOCKER-USER -i eth0 -s 203.0.113.${i}/32 -p tcp -m conntrack --ctorigdstport ${8000 + i} -j DROP`;
    const edited = copy.join('\n');
    assert.deepEqual(linter.lint(edited), lintRules(edited), `bench edit ${i}`);
    assert.deepEqual(linter.lint(text), lintRules(text), `undo of bench edit ${i}`);
  }
  for (const ch of ' -j ACCEPT') {
    lines[2500] += ch;
    const t = lines.join('\n');
    assert.deepEqual(linter.lint(t), lintRules(t), `typing ${JSON.stringify(lines[2500])}`);
  }
  const done: string[] = [];
  for (let step = 0; step < 10; step++) {
    done.push(edit(lines, pool, r));
    const t = lines.join('\n');
    assert.deepEqual(linter.lint(t), lintRules(t), `after ${done.join(', ')}`);
  }
});

test('incremental = fresh: with a default table given, with fix checks off', () => {
  const docs = loadDir(REAL_WORLD).slice(0, 10).map((e) => ({ text: e.text, context: e.context }));
  assertSameAsFresh('defaultTable nat', docs, 6, 77, { defaultTable: 'nat' });
  assertSameAsFresh('checkFixes off', docs, 6, 78, { checkFixes: false });
});

/** Rules built from a few sources, ports and targets: edits keep making and unmaking duplicates and shadowed rules. */
function densePool(form: 'save' | 'commands'): string[] {
  const out: string[] = [];
  for (const s of ['', '-s 10.0.0.0/8 ', '-s 10.1.0.0/16 ', '-s 192.168.7.0/24 ', '-s 203.0.113.5 ', '! -s 10.0.0.0/8 ']) {
    for (const port of ['', '-p tcp --dport 80 ', '-p tcp -m multiport --dports 80,443 ', '-p udp --dport 53 ', '-m conntrack --ctstate RELATED,ESTABLISHED ']) {
      for (const i of ['', '-i eth0 ', '-o docker0 ']) {
        for (const t of ['DROP', 'RETURN', 'ACCEPT', 'LOG']) {
          const rule = `DOCKER-USER ${i}${s}${port}-j ${t}`;
          out.push(form === 'save' ? `-A ${rule}` : `iptables -${s.length % 2 ? 'I' : 'A'} ${rule}`);
        }
      }
    }
  }
  return out;
}

test('incremental = fresh: edits that make and unmake duplicates, shadowed and unconditional rules', () => {
  for (const form of ['save', 'commands'] as const) {
    const pool = densePool(form);
    const r = rng(form === 'save' ? 31 : 32);
    for (let d = 0; d < 12; d++) {
      const body = Array.from({ length: 20 + r(20) }, () => pool[r(pool.length)]);
      const lines = form === 'save' ? ['*filter', ':DOCKER-USER - [0:0]', ...body, 'COMMIT'] : body;
      const linter = new Linter();
      const done: string[] = [];
      for (let step = 0; step < 30; step++) {
        const at = (form === 'save' ? 2 : 0) + r(Math.max(lines.length - (form === 'save' ? 3 : 0), 1));
        const op = r(4);
        if (op === 0) lines.splice(at, 0, pool[r(pool.length)]);
        else if (op === 1 && lines.length > 4) lines.splice(at, 1);
        else if (op === 2) lines[at] = pool[r(pool.length)];
        else lines.splice(at, 0, lines[r(lines.length)]);
        done.push(`${op}@${at}`);
        const text = lines.join('\n');
        assert.deepEqual(linter.lint(text), lintRules(text), `${form} doc ${d}: after ${done.join(', ')}:\n${text}`);
      }
    }
  }
});

test('incremental = fresh: a shell line that makes a variable unstable, a rule with an unstable variable added', () => {
  const steps = [
    // stable NET: the second rule is shadowed by the first
    ['iptables -N DOCKER-USER', 'NET=10.0.0.0/8', 'iptables -A DOCKER-USER -s $NET -j DROP', 'iptables -A DOCKER-USER -s $NET -p tcp --dport 80 -j DROP'],
    // `read NET` (no rule changed): NET may change between the rules, nothing is claimed
    ['iptables -N DOCKER-USER', 'NET=10.0.0.0/8', 'iptables -A DOCKER-USER -s $NET -j DROP', 'iptables -A DOCKER-USER -s $NET -p tcp --dport 80 -j DROP', 'read NET'],
    ['iptables -N DOCKER-USER', 'NET=10.0.0.0/8', 'iptables -A DOCKER-USER -s $NET -j DROP', 'iptables -A DOCKER-USER -s $NET -p tcp --dport 80 -j DROP'],
    // no variable in the chain, then a rule with a variable set twice: not judged
    ['iptables -N DOCKER-USER', 'NET=10.0.0.0/8', 'NET=10.1.0.0/16', 'iptables -A DOCKER-USER -p tcp -j DROP'],
    ['iptables -N DOCKER-USER', 'NET=10.0.0.0/8', 'NET=10.1.0.0/16', 'iptables -A DOCKER-USER -p tcp -j DROP', 'iptables -A DOCKER-USER -p tcp -s $NET -j DROP'],
  ];
  const linter = new Linter();
  steps.forEach((lines, k) => {
    const text = lines.join('\n');
    assert.deepEqual(linter.lint(text), lintRules(text), `step ${k}:\n${text}`);
  });
  assert.ok(lintRules(steps[0].join('\n')).diagnostics.some((d) => d.code === 'rules/shadowed'), 'the stable case is a finding');
  assert.ok(!lintRules(steps[1].join('\n')).diagnostics.some((d) => d.code === 'rules/shadowed'), 'read NET: no finding');
});

test('a lint the time budget stops keeps what it parsed: later runs finish the file, and the last one equals a fresh lint', () => {
  const text = makeRules(20_000);
  const linter = new Linter();
  const stops: number[] = [];
  let last = linter.lint(text, { budgetMs: 20 });
  for (let run = 0; run < 40 && last.diagnostics.some((d) => d.code === 'lint/truncated'); run++) {
    stops.push(last.diagnostics.find((d) => d.code === 'lint/truncated')?.span.line ?? -1);
    last = linter.lint(text, { budgetMs: 20 });
  }
  assert.ok(stops.length > 0, 'the first run is stopped (20,000 rules in 20 ms)');
  // (a run may stop a little earlier than the one before it, when a collection lands in it: not every run gets further)
  assert.ok(!last.diagnostics.some((d) => d.code === 'lint/truncated'), `still stopped after ${stops.length + 1} runs, at lines ${stops.join(', ')}`);
  assert.deepEqual(last.diagnostics, lintRules(text).diagnostics);
});
