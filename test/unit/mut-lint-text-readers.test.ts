/**
 * The text readers' edges (readAsRun.ts, firewalldDirect.ts), each expectation written from what the tool runs before
 * the code was run on it: firewalld keeps a chain's direct rules ordered by priority, `--remove-rule` takes one rule
 * of that priority out (a priority it does not hold removes nothing), its options may come in any order before the
 * action, and the shell's operators and redirections after the rule are the shell's; Salt reads a `- name:` as the
 * command only inside a `cmd.run` / `cmd.wait` block, which a key at the block's own indentation ends; Jinja's
 * `{# … #}` comments and `{% … %}` tags are the template's; a YAML list of quoted restore lines is read as the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandFirewalldDirect } from '../../src/core/lint/firewalldDirect';
import { expandQuotedRestoreLines, expandSaltCommands, expandTemplateTags } from '../../src/core/lint/readAsRun';

const lines = (text: string | undefined) => text?.split('\n');
const direct = (rule: string) => `firewall-cmd --direct ${rule}`;

test('firewalld --remove-rule takes its priority out of the order; a priority the chain does not hold removes nothing', () => {
  const removed = [0, 0].map((p) => direct(`--add-rule ipv4 filter X ${p} -j ACCEPT`)).concat(direct('--remove-rule ipv4 filter X 0 -j ACCEPT'), direct('--add-rule ipv4 filter X 1 -j DROP'));
  assert.deepEqual(lines(expandFirewalldDirect(removed.join('\n'))?.text)?.slice(2), ['iptables -t filter -D X -j ACCEPT', 'iptables -t filter -I X 2 -j DROP']);
  const absent = [0, 5].map((p) => direct(`--add-rule ipv4 filter X ${p} -j ACCEPT`)).concat(direct('--remove-rule ipv4 filter X 3 -j ACCEPT'), direct('--add-rule ipv4 filter X 7 -j DROP'));
  assert.deepEqual(lines(expandFirewalldDirect(absent.join('\n'))?.text)?.[3], 'iptables -t filter -I X 3 -j DROP');
});

test('firewalld: a priority that is not a whole number, or a rule with no chain, runs nothing the linter can read', () => {
  for (const rule of ['--add-rule ipv4 filter X x5 -j DROP', '--add-rule ipv4 filter X 5x -j DROP', '--add-rule ipv4 filter']) {
    assert.deepEqual(lines(expandFirewalldDirect(direct(rule))?.text), [''], rule);
  }
});

test('firewalld: spacing, option order and the shell after the rule', () => {
  assert.deepEqual(lines(expandFirewalldDirect(`sudo  ${direct('--add-rule ipv4 filter X 0 -j DROP')}`)?.text), ['sudo  iptables -t filter -I X 1 -j DROP']);
  assert.deepEqual(lines(expandFirewalldDirect(direct('--add-rule ipv4  filter X 0 -j DROP'))?.text), ['iptables -t filter -I X 1 -j DROP']);
  assert.deepEqual(lines(expandFirewalldDirect(direct('--add-rule ipv4 filter X 0 -j DROP > /dev/null'))?.text), ['iptables -t filter -I X 1 -j DROP']);
  assert.deepEqual(lines(expandFirewalldDirect(direct('--add-rule ipv4 filter X 0 -j DROP  && echo ok'))?.text), ['iptables -t filter -I X 1 -j DROP']);
  // `--permanent` after `--direct` still marks the permanent configuration: with a running rule beside it, it is not read
  const mixed = `firewall-cmd --direct --permanent --add-rule ipv4 filter X 0 -j ACCEPT\n${direct('--add-rule ipv4 filter X 0 -j DROP')}`;
  assert.deepEqual(lines(expandFirewalldDirect(mixed)?.text), ['', 'iptables -t filter -I X 1 -j DROP']);
});

test('Salt: a key at the cmd.run block\'s own indentation ends it; a blank line does not; a commented name is not read', () => {
  const sibling = ['x:', '  cmd.run:', '    - name: iptables -F', '  file.managed:', '    - name: iptables -X'].join('\n');
  assert.deepEqual([...(expandSaltCommands(sibling)?.rewritten ?? [])], [2]);
  const blank = ['x:', '  cmd.run:', ' ', '    - name: iptables -F'].join('\n');
  assert.deepEqual([...(expandSaltCommands(blank)?.rewritten ?? [])], [3]);
  assert.equal(expandSaltCommands(['x:', '  cmd.run:', '    #- name: iptables -F'].join('\n')), undefined);
  assert.equal(expandSaltCommands(['x:', '  mycmd.run:', '    - name: iptables -F'].join('\n')), undefined);
  assert.deepEqual([...(expandSaltCommands(['x:', '  cmd.run:  ', '    - name: iptables -F'].join('\n'))?.rewritten ?? [])], [2]);
});

test('Jinja: comment tags and statement tags become blanks; a line with an unclosed tag is left as written', () => {
  const out = expandTemplateTags(['{# rules for {{ host }} #}', 'iptables -A X -j DROP', '{% if x %}', '{% unclosed', '-A X {# note #}'].join('\n'));
  assert.deepEqual(lines(out?.text), [' '.repeat(26), 'iptables -A X -j DROP', ' '.repeat(10), '{% unclosed', '-A X ' + ' '.repeat(10)]);
  assert.deepEqual([...(out?.rewritten ?? [])], [0, 2, 4]);
  assert.deepEqual(lines(expandTemplateTags('{# only a comment #}\n')?.text), [' '.repeat(20), '']);
  assert.equal(expandTemplateTags('{% unclosed\n'), undefined);
});

test('quoted restore lines: trailing blanks after an item, several blanks after the dash, and an iptables command after them', () => {
  assert.deepEqual(lines(expandQuotedRestoreLines('  - "-A X -j DROP"  \n  - "-A X -j ACCEPT"\n')?.text), ['     -A X -j DROP', '     -A X -j ACCEPT', '']);
  assert.ok(expandQuotedRestoreLines('  -   "-A X -j DROP"\n  -   "-A X -j ACCEPT"\n'));
  assert.equal(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\n  sudo iptables -F X\n'), undefined);
  assert.equal(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\niptables  -F X\n'), undefined);
});
