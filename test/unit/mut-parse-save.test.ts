/**
 * The structure of iptables text (lines.ts, tokenize.ts, optionTable.ts, parseLine.ts, lineResult.ts,
 * lineDiagnostics.ts), judged against the kernel's own reader: each RESTORE case was fed to `iptables-restore`
 * and `iptables-legacy-restore` v1.8.9 in a throw-away network namespace (`unshare -n`) on 2026-12-06; the
 * verdict is "nft/legacy". Our errors (line:start-end code message) are exact; we give an error when both refuse
 * (except a missing COMMIT: a warning, the dump may be cut) and none when both accept, except where a reason says
 * why we are stricter. Continuation lines (`\\` at the end) are not restore syntax but command-file syntax: not here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { advanceLineState, assembleRuleset, isTableName, lineStateKey, logicalLines, newLineState, parseLogicalLine, parseRuleLine, parseRules, relocateLineResult } from '../../src/core/iptables/parse';
import { spanOf } from '../../src/core/iptables/lines';
import { tokenize } from '../../src/core/iptables/tokenize';
import { optionToken } from '../../src/core/iptables/optionTable';
import { checkChainName } from '../../src/core/iptables/lineDiagnostics';
import type { RuleDiagnostic } from '../../src/core/iptables/model';

/** [iptables-restore input, "nft/legacy" verdict, our errors, why we are stricter than both (when we are)]. */
const RESTORE: [string, string, string[], string?][] = [
["*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n:INPUT ACCEPT [0:0]\n-A X -j ACCEPT\nCOMMIT\n", 'refused/refused', ["2:0-14 syntax/unknown-chain chain X is not declared in this *filter section"]],
  ["*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n", 'refused/refused', []],
  ["*filterx\n:INPUT ACCEPT [0:0]\nCOMMIT\n", 'refused/refused', ["0:1-8 syntax/unknown-table unknown table \"filterx\" (valid: filter, nat, mangle, raw, security)","2:0-6 syntax/unexpected-token COMMIT without a *table section"]],
  ["*filter\n:INPUT REJECT [0:0]\nCOMMIT\n", 'refused/refused', ["1:7-13 syntax/bad-policy bad policy \"REJECT\" (ACCEPT or DROP)"]],
  ["*filter\n:INPUT - [0:0]\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n:X ACCEPT [0:0]\nCOMMIT\n", 'ok/refused', ["1:3-9 syntax/bad-policy X is not a builtin chain of table filter: it cannot have a policy"]],
  ["*filter\n:X - [0:0]\n:X - [0:0]\nCOMMIT\n", 'ok/refused', ["2:1-2 syntax/chain-exists chain X declared twice (first on line 2)"]],
  ["*filter\n:INPUT ACCEPT [a:0]\nCOMMIT\n", 'ok/ok', ["1:14-19 syntax/bad-counters \"[a:0]\" is not a [packets:bytes] counter"], 'a counter that is not one: restore ignores counters without -c, the text is still broken'],
  ["*filter\n:INPUT ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n:INPUT\nCOMMIT\n", 'refused/refused', ["1:6-6 syntax/missing-argument missing policy for chain INPUT (\"-\" for user chains)"]],
  ["*filter\n:\nCOMMIT\n", 'refused/refused', ["1:0-1 syntax/no-chain missing chain name after \":\""]],
  ["*filter\n[1:2] -A INPUT -j ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n[1:x] -A INPUT -j ACCEPT\nCOMMIT\n", 'ok/ok', ["1:0-5 syntax/bad-counters \"[1:x]\" is not a [packets:bytes] counter"], 'same, on a rule'],
  ["*filter\n-A INPUT -j ACCEPT\nCOMMIT extra\n", 'refused/refused', ["2:7-12 syntax/unexpected-token unexpected \"extra\" after COMMIT"]],
  ["*filter extra\n-A INPUT -j ACCEPT\nCOMMIT\n", 'ok/ok', ["0:8-13 syntax/unexpected-token unexpected \"extra\" after the table name"], 'restore ignores words after the table name'],
  ["*filter\n# comment\n\n-A INPUT -j ACCEPT # trailing\nCOMMIT\n", 'refused/refused', ["3:19-20 syntax/unexpected-token unexpected argument \"#\"","3:21-29 syntax/unexpected-token unexpected argument \"trailing\""]],
  ["*filter\n-A INPUT -m comment --comment \"a b\" -j ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n-A INPUT -m comment --comment 'a b' -j ACCEPT\nCOMMIT\n", 'refused/refused', ["1:33-35 syntax/unexpected-token unexpected argument \"b'\""]],
  ["*filter\n-A INPUT -m comment --comment \"a \\\"q\\\" b\" -j ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n-A INPUT -m comment --comment \"unterminated -j ACCEPT\nCOMMIT\n", 'ok/ok', ["1:30-53 syntax/unterminated-quote unterminated quote"], 'restore takes the rest of the line into the comment: the rule silently loses its -j ACCEPT'],
  ["*filter\n:abcdefghijklmnopqrstuvwxyz0123 - [0:0]\nCOMMIT\n", 'refused/refused', ["1:1-31 syntax/bad-chain-name chain name \"abcdefghijklmnopqrstuvwxyz0123\" is longer than 28 characters"]],
  ["*filter\n:-X - [0:0]\nCOMMIT\n", 'refused/ok', ["1:1-3 syntax/bad-chain-name invalid chain name \"-X\""]],
  ["*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n*filter\n:INPUT DROP [0:0]\nCOMMIT\n", 'ok/ok', []],
  ["*filter\n-t nat -A INPUT -j ACCEPT\nCOMMIT\n", 'refused/refused', ["1:0-2 syntax/unexpected-token -t is not valid in iptables-save / -S lines"]],
  ["*filter\n-A INPUT -j ACCEPT\nCOMMIT\nCOMMIT\n", 'refused/refused', ["3:0-6 syntax/unexpected-token COMMIT without a *table section"]],
  ["*raw\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\nCOMMIT\n", 'ok/refused', ["2:7-13 syntax/bad-policy INPUT is not a builtin chain of table raw: it cannot have a policy"]],
  ["*filter\n:INPUT ACCEPT [0:0] extra\nCOMMIT\n", 'ok/ok', ["1:20-25 syntax/unexpected-token unexpected \"extra\""], 'restore ignores words after the counters'],
  ["*filter\n-N X\n-A X -j ACCEPT\nCOMMIT\n", 'ok/ok', []],
  ["*security\n:INPUT ACCEPT [0:0]\nCOMMIT\n", 'ok/ok', []],
];

function errs(text: string): string[] {
  return parseRules(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line}:${d.span.start}-${d.span.end} ${d.code} ${d.message}`);
}

describe('iptables-save sections: the verdict of iptables-restore 1.8.9 (nft/legacy) in a netns', () => {
  for (const [text, verdict, want, stricter] of RESTORE) {
    it(`${verdict.padEnd(15)} ${JSON.stringify(text).slice(0, 90)}`, () => {
      const got = errs(text);
      assert.deepEqual(got, want);
      if (verdict === 'refused/refused' && text.includes('COMMIT')) assert.ok(got.length > 0, 'both refuse it: an error');
      if (verdict === 'ok/ok') assert.equal(got.length > 0, stricter !== undefined, stricter ?? 'both accept it: no error');
    });
  }
  it('a section without COMMIT (both refuse it): a warning at the last line, the dump may be cut', () => {
    const rs = parseRules('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n');
    assert.deepEqual(rs.diagnostics.map((d) => `${d.severity} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`), ['warning 2:0-0 *filter section without COMMIT (truncated dump?)']);
    assert.equal(rs.tables.get('filter')?.chains.get('INPUT')?.rules.length, 1);
  });
});

describe('iptables-save structure', () => {
  it('counters, policies, declarations and the table of each section', () => {
    const rs = parseRules('*nat\n:PREROUTING ACCEPT [12:3400]\n:X - [0:0]\n[5:600] -A X -j RETURN\nCOMMIT\n*filter\n:FORWARD DROP [1:2]\nCOMMIT\n');
    assert.deepEqual(rs.diagnostics, []);
    const pre = rs.tables.get('nat')?.chains.get('PREROUTING');
    assert.deepEqual([pre?.policy, pre?.policyCounters, pre?.declLine, pre?.builtin], ['ACCEPT', { packets: 12, bytes: 3400 }, 1, true]);
    const x = rs.tables.get('nat')?.chains.get('X');
    assert.deepEqual([x?.policy, x?.policyCounters, x?.declLine, x?.builtin], [undefined, { packets: 0, bytes: 0 }, 2, false]);
    assert.deepEqual([rs.rules[0].table, rs.rules[0].counters], ['nat', { packets: 5, bytes: 600 }]);
    assert.equal(rs.tables.get('filter')?.chains.get('FORWARD')?.policy, 'DROP');
  });

  it('line kinds, formats and tables; the state moves with *table and COMMIT only', () => {
    const st = newLineState('mangle');
    const k = (l: string): string => {
      const r = parseRuleLine(l, 0, st);
      return `${r.kind}/${r.format}/${r.table}/${lineStateKey(st)}`;
    };
    assert.equal(k('-A X -j DROP'), 'rule/S/mangle//mangle');
    assert.equal(k('  *nat  '), 'table/save/nat/nat/mangle');
    assert.equal(k('-A X -j DROP'), 'rule/save/nat/nat/mangle');
    assert.equal(k(':X - [0:0]'), 'chain/save/nat/nat/mangle');
    assert.equal(k('# c'), 'blank/save/nat/nat/mangle');
    assert.equal(k('   '), 'blank/save/nat/nat/mangle');
    assert.equal(k('COMMIT # done'), 'commit/save/nat//mangle');
    assert.equal(k('COMMITTED'), 'other/command/mangle//mangle');
    assert.equal(k('*bad'), 'invalid/save/mangle//mangle');
    assert.equal(k(':X - [0:0]'), 'chain/S/mangle//mangle');
    assert.equal(k('[1:2]'), 'invalid/S/mangle//mangle');
  });

  it('a chain declaration outside a section: a warning on the colon', () => {
    const r = parseRuleLine('  :X - [0:0]', 4, newLineState());
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`), ['warning 4:2-3 chain declaration outside a *table section']);
  });

  it('after an unknown *table the section is closed: lines fall back to the default table', () => {
    const st = newLineState();
    parseRuleLine('*nat', 0, st);
    parseRuleLine('*nope', 1, st);
    assert.equal(lineStateKey(st), '/filter');
  });

  it('advanceLineState moves the state exactly like parsing, and only on *table / COMMIT lines', () => {
    const a = newLineState();
    const b = newLineState();
    for (const l of ['*nat', '-A X -j DROP', '  COMMIT', '*raw', 'CONNMARK', 'COMMIT x', '*mangle', ':C - [0:0]']) {
      parseRuleLine(l, 0, a);
      advanceLineState(l, b);
      assert.equal(lineStateKey(b), lineStateKey(a), l);
    }
    assert.equal(lineStateKey(b), 'mangle/filter');
  });

  it('isTableName: the five tables only', () => {
    assert.deepEqual(['filter', 'nat', 'mangle', 'raw', 'security', 'Filter', 'broute', ''].map(isTableName), [true, true, true, true, true, false, false, false]);
  });

  it('checkChainName: 28 characters, no leading - or !, no space', () => {
    const sp = { line: 0, start: 0, end: 1 };
    const d: RuleDiagnostic[] = [];
    assert.deepEqual(['a'.repeat(28), 'a'.repeat(29), '-x', '!x', 'a b', 'a\tb', 'x-!'].map((n) => checkChainName(n, sp, d)), [true, false, false, false, false, false, true]);
    assert.deepEqual(d.map((x) => x.message), [`chain name "${'a'.repeat(29)}" is longer than 28 characters`, 'invalid chain name "-x"', 'invalid chain name "!x"', 'invalid chain name "a b"', 'invalid chain name "a\tb"']);
  });
});

describe('logical lines and spans', () => {
  it('a trailing odd number of backslashes continues the line; even does not; \\r\\n is one break', () => {
    const ll = logicalLines('-A X \\\r\n  -j DROP\nB \\\\\nC\n\nD');
    assert.deepEqual(ll.map((l) => [l.line, l.text, l.segments]), [
      [0, '-A X    -j DROP', [{ offset: 6, line: 1 }]],
      [2, 'B \\\\', undefined],
      [3, 'C', undefined],
      [4, '', undefined],
      [5, 'D', undefined],
    ]);
    assert.deepEqual(logicalLines(''), [{ line: 0, text: '' }]);
    assert.deepEqual(logicalLines('a\n'), [{ line: 0, text: 'a' }]);
    assert.deepEqual(logicalLines('a\n\n').map((l) => l.text), ['a', '']);
    assert.deepEqual(logicalLines('a \\').map((l) => l.text), ['a \\'], 'a backslash on the last line continues nothing');
    assert.deepEqual(logicalLines('a \\\nb \\\nc').map((l) => [l.text, l.segments?.length]), [['a  b  c', 2]]);
  });

  it('spans of a continued line map back to their physical line, clamped to it', () => {
    const [ll] = logicalLines('-A X \\\n-s 1.2.3.4 \\\n-j DROP');
    assert.equal(ll.text, '-A X  -s 1.2.3.4  -j DROP');
    assert.deepEqual(spanOf(ll, 0, 2), { line: 0, start: 0, end: 2 });
    assert.deepEqual(spanOf(ll, 6, 8), { line: 1, start: 0, end: 2 });
    assert.deepEqual(spanOf(ll, 18, 25), { line: 2, start: 0, end: 7 });
    assert.deepEqual(spanOf(ll, 3, 10), { line: 0, start: 3, end: 5 }, 'clamped to the end of the first physical line');
    assert.deepEqual(spanOf(ll, 9, 30), { line: 1, start: 3, end: 11 });
    const rs = parseRules('iptables -A X \\\n  -s 1.2.3.400 -j DROP');
    assert.deepEqual(rs.diagnostics.map((d) => `${d.span.line}:${d.span.start}-${d.span.end}`), ['1:5-14']);
  });

  it('relocateLineResult: every span and the line move; the same object when it does not move', () => {
    const st = newLineState();
    // (in a *filter section: outside one, a DNAT line is read as the nat table's `-S` line)
    const r = parseLogicalLine({ line: 2, text: '-A X ! -s 1.2.3.4 -d 1.1.1.1 -i a -o b -f -p tcp --dport 1 -j DNAT --to-destination 1.2.3.4:80' }, { ...st, table: 'filter' });
    assert.equal(relocateLineResult(r, 2), r);
    const m = relocateLineResult(r, 7);
    const x = m.rule;
    assert.ok(x);
    const lines = [m.line, x.line, x.span.line, x.source?.span.line, x.destination?.span.line, x.inInterface?.span.line, x.outInterface?.span.line, x.fragment?.span.line, x.protocol?.span.line, x.matches[0].span.line, x.matches[0].options[0].span.line, x.target?.span.line, x.target?.options[0].span.line, m.chainSpan?.line, ...m.diagnostics.map((d) => d.span.line)];
    assert.deepEqual(lines, Array(lines.length).fill(7));
    assert.deepEqual(m.diagnostics.map((d) => d.line), m.diagnostics.map(() => 8));
    assert.equal(m.diagnostics.length, 1, 'DNAT outside nat: the diagnostic moved too');
    assert.deepEqual([x.source?.span.start, x.index], [r.rule?.source?.span.start, undefined]);
    assert.equal(r.rule?.line, 2, 'the cached result is not changed');
    const blank = relocateLineResult(parseLogicalLine({ line: 0, text: '' }, st), 3);
    assert.deepEqual([blank.line, blank.rule, blank.chainSpan], [3, undefined, undefined]);
    const noTarget = relocateLineResult(parseLogicalLine({ line: 0, text: '-A X -s 1.1.1.1' }, st), 1);
    assert.deepEqual([noTarget.rule?.target, noTarget.rule?.protocol, noTarget.rule?.span.line], [undefined, undefined, 1]);
  });

  it('cached line results give the same ruleset as a full parse (incremental use)', () => {
    const text = '*filter\n:X - [0:0]\n-A X -j DROP\nCOMMIT\n-A Y -j ACCEPT\n';
    const st = newLineState();
    const results = logicalLines(text).map((l) => parseLogicalLine(l, st));
    const a = assembleRuleset(results);
    const b = parseRules(text);
    assert.deepEqual(a.rules.map((r) => [r.table, r.chain, r.index]), b.rules.map((r) => [r.table, r.chain, r.index]));
  });
});

describe('the tokenizer', () => {
  const toks = (s: string, shell = true, restore = false): unknown[] => {
    const t = tokenize(s, shell, restore);
    return [t.toks.map((x) => [x.text, x.start, x.end, x.quoted, x.op]), t.unterminated];
  };

  it('quotes, escapes, operators, comments', () => {
    assert.deepEqual(toks(`a 'b c' "d \\"e\\" \\$f \\x" g\\ h # i`), [[['a', 0, 1, false, false], ['b c', 2, 7, true, false], ['d "e" $f \\x', 8, 24, true, false], ['g h', 25, 29, true, false]], undefined]);
    assert.deepEqual(toks('a;b&&c||d|e&f>g>>h 2>&1 <i'), [[['a', 0, 1, false, false], [';', 1, 2, false, true], ['b', 2, 3, false, false], ['&&', 3, 5, false, true], ['c', 5, 6, false, false], ['||', 6, 8, false, true], ['d', 8, 9, false, false], ['|', 9, 10, false, true], ['e', 10, 11, false, false], ['&', 11, 12, false, true], ['f', 12, 13, false, false], ['>', 13, 14, false, true], ['g', 14, 15, false, false], ['>>', 15, 17, false, true], ['h', 17, 18, false, false], ['2', 19, 20, false, false], ['>&', 20, 22, false, true], ['1', 22, 23, false, false], ['<', 24, 25, false, true], ['i', 25, 26, false, false]], undefined]);
    assert.deepEqual(toks('a;b', false), [[['a;b', 0, 3, false, false]], undefined]);
    assert.deepEqual(toks('a#b #c'), [[['a#b', 0, 3, false, false]], undefined]);
    assert.deepEqual(toks("x 'ab"), [[['x', 0, 1, false, false], ['ab', 2, 5, true, false]], 2]);
    assert.deepEqual(toks('x "ab'), [[['x', 0, 1, false, false], ['ab', 2, 5, true, false]], 2]);
    assert.deepEqual(toks('x "a\\"b'), [[['x', 0, 1, false, false], ['a"b', 2, 7, true, false]], 2], 'an unterminated quote is reported at its opening quote, escapes or not');
    assert.deepEqual(toks('"a\\\\" b'), [[['a\\', 0, 5, true, false], ['b', 6, 7, false, false]], undefined]);
    assert.deepEqual(toks('"\\a\\`\\$"'), [[['\\a`$', 0, 8, true, false]], undefined], 'a backslash before other characters stays');
    assert.deepEqual(toks('"a\\'), [[['a\\', 0, 3, true, false]], 0]);
    assert.deepEqual(toks('"a"\'b\'c'), [[['abc', 0, 7, true, false]], undefined]);
    assert.deepEqual(toks('a\\'), [[['a\\', 0, 2, false, false]], undefined], 'a final backslash is kept');
    assert.deepEqual(toks('\t a \v\f b\r'), [[['a', 2, 3, false, false], ['b', 7, 8, false, false]], undefined]);
  });

  it('restore mode: single quotes and # are plain characters; double quotes still quote', () => {
    assert.deepEqual(toks(`'a b' # "c d"`, false, true), [[["'a", 0, 2, false, false], ["b'", 3, 5, false, false], ['#', 6, 7, false, false], ['c d', 8, 13, true, false]], undefined]);
  });

  it('known options come from the table (their meaning attached), unknown or quoted ones do not', () => {
    const t = tokenize('-A --dport "-j" --nope -nvL --append', false).toks;
    assert.deepEqual(t.map((x) => [x.text, x.opt?.name, x.opt?.isLong, x.opt?.cmd, x.opt?.base]), [
      ['-A', 'A', false, 'A', undefined],
      ['--dport', 'dport', true, undefined, undefined],
      ['-j', undefined, undefined, undefined, undefined],
      ['--nope', undefined, undefined, undefined, undefined],
      ['-nvL', undefined, undefined, undefined, undefined],
      ['--append', 'append', true, 'A', undefined],
    ]);
    assert.equal(optionToken('x--sourcey', 1, 9)?.base, 's');
    assert.equal(optionToken('--destination-port', 0, 18)?.name, 'destination-port');
    assert.equal(optionToken('-'.repeat(41), 0, 41), undefined);
    assert.equal(optionToken('--dpor', 0, 6), undefined);
    assert.equal(optionToken('--dportx', 0, 8), undefined);
    for (const o of ['-p', '--protocol', '-s', '--src', '-d', '--dst', '-i', '-o', '-f', '-m', '-j', '-g', '-c', '-t', '-w', '-W', '-v', '-n', '-x', '-4', '-6', '--line-numbers', '--modprobe']) assert.ok(optionToken(o, 0, o.length)?.base, o);
    for (const o of ['-A', '-I', '-D', '-R', '-N', '-X', '-F', '-P', '-E', '-L', '-S', '-Z', '-C', '--new', '--list-rules', '--rename-chain']) assert.ok(optionToken(o, 0, o.length)?.cmd, o);
  });
});

describe('command substitutions on shell lines (session 8, holdout 7): one word, nesting and quotes inside', () => {
  const words = (s: string) => tokenize(s, true).toks.map((t) => [t.text, t.start, t.end, t.quoted, t.op]);
  it('`$(…)` with spaces, pipes, quotes and a nested `$(…)` is one quoted word; the text around it stays its own', () => {
    const s = "iptables -d $(ip route | awk '/docker0/ { print $9 }') -j DROP";
    const sub = "$(ip route | awk '/docker0/ { print $9 }')";
    const at = s.indexOf(sub);
    assert.deepEqual(words(s), [['iptables', 0, 8, false, false], ['-d', 9, 11, false, false], [sub, at, at + sub.length, true, false], ['-j', at + sub.length + 1, at + sub.length + 3, false, false], ['DROP', at + sub.length + 4, s.length, false, false]]);
    assert.equal(tokenize(s, true).unterminated, undefined);
    const nested = 'x=a$(echo "(" $(id -u) ")")b ;';
    assert.deepEqual(words(nested), [['x=a$(echo "(" $(id -u) ")")b', 0, 28, true, false], [';', 29, 30, false, true]]);
    // a `)` inside single quotes does not close it
    assert.deepEqual(words("$(echo ')') z").map((w) => w[0]), ["$(echo ')')", 'z']);
  });
  it('an unclosed `$(` runs to the end and is not said: the shell reads on over the next lines (holdout 33, loxilb `Res=$(… |`); a quote left open inside it neither', () => {
    const t = tokenize('a $(echo b c', true);
    assert.deepEqual(t.toks.map((x) => x.text), ['a', '$(echo b c']);
    assert.equal(t.unterminated, undefined);
    const q = tokenize("a $(echo 'b) c", true);
    assert.deepEqual(q.toks.map((x) => x.text), ['a', "$(echo 'b) c"]);
    assert.equal(q.unterminated, undefined);
    // a quote left open before it still is
    assert.equal(tokenize("a 'b $(c", true).unterminated, 2);
  });
  it('not on restore lines (no shell there), and `$` without `(` is an ordinary character', () => {
    assert.deepEqual(tokenize('-A X -d $(x y) -j DROP', false).toks.map((x) => x.text), ['-A', 'X', '-d', '$(x', 'y)', '-j', 'DROP']);
    assert.deepEqual(words('$x $ (y)').map((w) => w[0]), ['$x', '$', '(y)']);
  });
});
