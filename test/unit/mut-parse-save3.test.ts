/**
 * The line parser's text rules of session 12 (parseLine.ts, lineDiagnostics.ts), at the line: outside a `*table`
 * section, a line that starts with an option and goes on in words is a sentence or a usage line (`proseAfterOption`);
 * a shell `case` option pattern (`-i|--interface)`) is shell; a `:` line is a chain line only in the
 * `:NAME [POLICY|-] [p:b]` form. Expectations written from iptables(8), iptables-restore(8) and bash(1) before the
 * code was run on them: iptables takes options only, so words after an option's values are no rule; no option ends in
 * `)`; iptables-save writes chain lines as `:NAME POLICY [packets:bytes]` with `-` as a user chain's policy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newLineState, parseRuleLine } from '../../src/core/iptables/parse';
import type { LineResult } from '../../src/core/iptables/lineResult';

function parse(text: string, inSave = false): LineResult {
  const st = newLineState();
  if (inSave) st.table = 'filter';
  return parseRuleLine(text, 0, st);
}
const errors = (r: LineResult): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.excerpt ?? ''}`);
/** A sentence: one info, the whole line, no error. */
function isProse(text: string): boolean {
  const r = parse(text);
  return r.kind === 'other' && r.diagnostics.length === 1 && r.diagnostics[0].code === 'syntax/not-iptables' && r.diagnostics[0].severity === 'info';
}

describe('a line that starts with an option and goes on in words (outside a *table section)', () => {
  it('two or more lower-case words (three letters or more), with or without punctuation after them, make a sentence', () => {
    assert.ok(isProse('-A INPUT appends rule'));
    assert.ok(isProse('-A INPUT appends rules,'));
    assert.ok(isProse('-A appends a rule to the INPUT chain, -p specifies the protocol'));
  });
  it('one word after a rule is a typo of the rule, not a sentence', () => {
    assert.deepEqual(errors(parse('-I INPUT appends')), ['syntax/unexpected-token appends']);
    assert.deepEqual(errors(parse('-A INPUT -s 10.0.0.1 -j DROP ok')), ['syntax/unexpected-token ok']);
  });
  it('capitalised words and words with digits are no sentence: a rule with stray arguments keeps its errors', () => {
    assert.deepEqual(errors(parse('-A Appends Another Rule')), ['syntax/unexpected-token Another', 'syntax/unexpected-token Rule']);
    assert.equal(parse('-A Appends Another Rule').kind, 'rule');
    assert.deepEqual(errors(parse('-A INPUT abc1 def2 ghi3')), ['syntax/unexpected-token abc1', 'syntax/unexpected-token def2', 'syntax/unexpected-token ghi3']);
  });
  it('a line with no command (or no policy) and words of a non-Latin script is a sentence, also when the words are quoted', () => {
    assert.ok(isProse('-P 控制默认规则'));
    assert.ok(isProse('iptables -p tcp 控制'));
    assert.ok(isProse('-P "控制 默认"'));
  });
  it('a non-Latin comment in quotes does not make a command-less line a sentence: its error stays', () => {
    assert.deepEqual(errors(parse('iptables -p tcp -m comment --comment "注释说明"')), ['syntax/no-command iptables']);
    assert.deepEqual(errors(parse("iptables -p tcp -m comment --comment '注释说明'")), ['syntax/no-command iptables']);
  });
  it('a rule with a command and a note after it keeps its errors', () => {
    const r = parse('-A INPUT 2 -p icmp DROP // ping协议');
    assert.equal(r.kind, 'rule');
    assert.deepEqual(errors(r), ['syntax/unexpected-token 2', 'syntax/unexpected-token DROP', 'syntax/unexpected-token //', 'syntax/unexpected-token ping协议']);
  });
  it('inside a *table section the same words are errors: iptables-restore refuses the line', () => {
    const r = parse('-A INPUT appends a rule to the chain', true);
    assert.equal(r.kind, 'rule');
    assert.equal(errors(r).length, 6);
    assert.deepEqual(errors(parse('-P 控制默认规则', true)), ['syntax/missing-argument -P']);
  });
});

describe('chain names from the shell', () => {
  it('a variable as the chain name is known only when the text runs: no length error even past 28 characters', () => {
    assert.deepEqual(parse('-A $DOCKER_USER_CHAIN_NAME_FOR_THIS_HOST -j DROP').diagnostics, []);
    assert.equal(parse('-A DOCKER_USER_CHAIN_NAME_FOR_THIS_HOST -j DROP').diagnostics[0]?.code, 'syntax/bad-chain-name');
  });
});

describe('a shell case option pattern is shell, not a rule', () => {
  for (const text of ['  -i|--interface)  iface="$2"; shift 2 ;;', '\t-b|--binary) binary="$2" ;;', '--check)', '-h) usage']) {
    it(JSON.stringify(text), () => {
      const r = parse(text);
      assert.equal(r.format, 'command');
      assert.deepEqual(errors(r), []);
    });
  }
  it('a `)` inside a rule\'s comment is no case pattern: the line stays a rule', () => {
    const r = parse('-A INPUT -m comment --comment ok-x) -j DROP');
    assert.equal(r.kind, 'rule');
    assert.equal(r.format, 'S');
  });
});

describe('a `:` line outside a *table section', () => {
  const chainLines = [':FOO [0:0]', ':FOO  [0:0]', ':INPUT ACCEPT [12:345]  ', ':INPUT  ACCEPT [0:0]', ':INPUT ACCEPT  [0:0]', ':DOCKER-USER - [0:0]', ':FOO'];
  for (const text of chainLines) {
    it(`${JSON.stringify(text)} is a chain line`, () => {
      const r = parse(text);
      assert.equal(r.kind, 'chain');
      assert.equal(r.chain, text.trim().slice(1).split(/\s+/)[0]);
    });
  }
  for (const text of [':~$ ./deploy.sh', '::: note', ': this is a no-op', ':INPUT ACCEPT [0:0] and more']) {
    it(`${JSON.stringify(text)} is not`, () => assert.notEqual(parse(text).kind, 'chain'));
  }
});
