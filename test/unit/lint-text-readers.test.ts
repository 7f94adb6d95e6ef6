/**
 * The readers that turn text into the commands it runs (session 12): firewalld's direct rules, Salt's cmd.run names,
 * restore lines kept as a YAML list, their chaining, and commands in other languages' strings. Each expected text is
 * what firewalld / Salt / the program runs, written from their documented behaviour (firewalld: direct rules ordered
 * by priority, a builtin chain's in `<CHAIN>_direct`; moby#33726).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandFirewalldDirect } from '../../src/core/lint/firewalldDirect';
import { atCallSites, expandQuotedRestoreLines, expandSaltCommands, readAsRun } from '../../src/core/lint/readAsRun';
import { programCommands } from '../../src/core/iptables/programStrings';
import { parseRules } from '../../src/core/iptables/parse';
import type { LintResult } from '../../src/core/lint/types';

const lines = (text: string | undefined) => text?.split('\n');

test('firewalld direct rules: the iptables command each runs, in priority order per chain', () => {
  const text = [
    'firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 10 -j REJECT',
    'sudo firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 0 -s 10.0.0.0/8 -j RETURN',
    '/usr/bin/firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 10 -i eth0 -j DROP',
    '  firewall-cmd --direct --add-rule ipv6 filter DOCKER-USER 0 -j DROP',
    'firewall-cmd --direct --add-rule ipv4 nat POSTROUTING 0 -j SNAT --to-source 10.0.0.1 && echo ok',
    'firewall-cmd --direct --add-chain ipv4 filter MYCHAIN',
    'firewall-cmd --direct --passthrough ipv4 -I FORWARD -j ACCEPT # note',
    'firewall-cmd --direct --remove-rule ipv4 filter DOCKER-USER 10 -j REJECT',
    'firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 10 -p udp -j DROP',
    'firewall-cmd --add-port=80/tcp',
    'echo firewall-cmd --direct --add-rule ipv4 filter X 0 -j DROP',
  ].join('\n');
  const out = expandFirewalldDirect(text);
  assert.deepEqual(lines(out?.text), [
    'iptables -t filter -I DOCKER-USER 1 -j REJECT',
    'sudo iptables -t filter -I DOCKER-USER 1 -s 10.0.0.0/8 -j RETURN',
    'iptables -t filter -I DOCKER-USER 3 -i eth0 -j DROP',
    '  ip6tables -t filter -I DOCKER-USER 1 -j DROP',
    'iptables -t nat -I POSTROUTING_direct 1 -j SNAT --to-source 10.0.0.1',
    'iptables -t filter -N MYCHAIN',
    'iptables -I FORWARD -j ACCEPT',
    'iptables -t filter -D DOCKER-USER -j REJECT',
    // after the removal, priority 10 holds one rule (line 3) after the priority 0 one: this one goes third
    'iptables -t filter -I DOCKER-USER 3 -p udp -j DROP',
    'firewall-cmd --add-port=80/tcp',
    'echo firewall-cmd --direct --add-rule ipv4 filter X 0 -j DROP',
  ]);
  assert.deepEqual([...(out?.rewritten ?? [])], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(out?.calls.size, 0);
  // each builtin chain has its _direct chain
  for (const c of ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']) {
    assert.equal(expandFirewalldDirect(`firewall-cmd --direct --add-rule ipv4 filter ${c} 0 -j ACCEPT`)?.text, `iptables -t filter -I ${c}_direct 1 -j ACCEPT`);
  }
});

test('firewalld direct lines it cannot read become blank; a text without them is not rewritten', () => {
  const odd = [
    'firewall-cmd --direct --add-rule ipx filter X 0 -j DROP',
    'firewall-cmd --direct --add-rule ipv4 filter',
    'firewall-cmd --direct --add-rule ipv4 filter X high -j DROP',
    'firewall-cmd --direct --get-all-rules',
    'firewall-cmd --directly --add-rule ipv4 filter X 0 -j DROP',
    'firewall-cmd --direct --add-rule ipv4 filter X -1 -j DROP',
  ].join('\n');
  assert.deepEqual(lines(expandFirewalldDirect(odd)?.text), ['', '', '', 'firewall-cmd --direct --get-all-rules', 'firewall-cmd --directly --add-rule ipv4 filter X 0 -j DROP', 'iptables -t filter -I X 1 -j DROP']);
  assert.equal(expandFirewalldDirect('iptables -I DOCKER-USER -j DROP\n'), undefined);
  assert.equal(expandFirewalldDirect('firewall-cmd --reload\n'), undefined);
  assert.equal(expandFirewalldDirect('# --direct\nfirewall-cmd --reload\n'), undefined);
  assert.equal(expandFirewalldDirect('firewall-cmd --direct --get-all-rules\n'), undefined);
  // (`firewall-cmdx`, a word glued to it: not firewalld)
  assert.equal(expandFirewalldDirect('firewall-cmdx --direct --add-rule ipv4 filter X 0 -j DROP\n'), undefined);
});

test('firewalld: the running firewall\'s rules are read when the text gives both; else the permanent ones', () => {
  const both = 'firewall-cmd --permanent --direct --add-rule ipv4 filter X 0 -j DROP\nfirewall-cmd --direct --add-rule ipv4 filter X 0 -j DROP\n';
  assert.deepEqual(lines(expandFirewalldDirect(both)?.text), ['', 'iptables -t filter -I X 1 -j DROP', '']);
  const permanent = 'firewall-cmd --permanent --direct --add-rule ipv4 filter X 0 -j DROP\nfirewall-cmd --reload\n';
  assert.deepEqual(lines(expandFirewalldDirect(permanent)?.text), ['iptables -t filter -I X 1 -j DROP', 'firewall-cmd --reload', '']);
  // `--permanent` after the action is one of the rule's words, not the flag
  const late = 'firewall-cmd --direct --add-rule ipv4 filter X 0 -m comment --comment --permanent -j DROP\n';
  assert.deepEqual(lines(expandFirewalldDirect(late)?.text), ['iptables -t filter -I X 1 -m comment --comment --permanent -j DROP', '']);
});

test('Salt cmd.run: the name under a cmd.run / cmd.wait key is the command; elsewhere it is a title', () => {
  const text = ['a:', '  cmd.run:', '    - name: iptables -P FORWARD ACCEPT', '    - unless: true', 'b:', '  cmd.wait :', '    - name:   iptables -F', '', '    - name: iptables -X', 'c:', '  file.managed:', '    - name: /etc/x', '- name: iptables -F'].join('\n');
  const out = expandSaltCommands(text);
  assert.deepEqual(lines(out?.text), ['a:', '  cmd.run:', '            iptables -P FORWARD ACCEPT', '    - unless: true', 'b:', '  cmd.wait :', '              iptables -F', '', '            iptables -X', 'c:', '  file.managed:', '    - name: /etc/x', '- name: iptables -F']);
  assert.deepEqual([...(out?.rewritten ?? [])], [2, 6, 8]);
  // module.run's name is a Salt module (`service.restart`), not a command line
  assert.equal(expandSaltCommands('x:\n  module.run:\n    - name: cmd.run\n'), undefined);
  // a key that only starts like one, a name with nothing after it, a text with no cmd. or no name: not rewritten
  assert.equal(expandSaltCommands('x:\n  cmd.runner:\n    - name: iptables -F\n'), undefined);
  assert.equal(expandSaltCommands('x:\n  cmd.run: now\n    - name: iptables -F\n'), undefined);
  assert.equal(expandSaltCommands('x:\n  cmd.run:\n    - name:\n'), undefined);
  assert.equal(expandSaltCommands('x:\n  run:\n    - name: iptables -F\n'), undefined);
  assert.equal(expandSaltCommands('x:\n  cmd.run:\n    - names: iptables -F\n'), undefined);
});

test('restore lines kept as a YAML list: each item at its columns, the YAML around it blank, comments and blank lines kept', () => {
  const text = ['rules:', '  - "*filter"', "  - ':X - [0:0]'", '  # allow', '', '  - "-A X -j DROP"', '  -  "-I X 2 -s 10.0.0.1 -j ACCEPT"', '  - "COMMIT"', '  - "echo -A X"'].join('\n');
  const out = expandQuotedRestoreLines(text);
  assert.deepEqual(lines(out?.text), ['', '     *filter', '     :X - [0:0]', '  # allow', '', '     -A X -j DROP', '      -I X 2 -s 10.0.0.1 -j ACCEPT', '     COMMIT', '']);
  assert.equal(out?.rewritten.size, 9);
  // one item alone, no rule item, or the text runs iptables itself: not read so
  assert.equal(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "other"\n'), undefined);
  assert.equal(expandQuotedRestoreLines('  - "*filter"\n  - "COMMIT"\n'), undefined);
  assert.equal(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\nsudo iptables -F X\n'), undefined);
  assert.equal(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\n/sbin/iptables -F X\n'), undefined);
  assert.ok(expandQuotedRestoreLines('  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\n# iptables-save output\n'));
  assert.ok(expandQuotedRestoreLines('  - "-A X -j DROP"\n  -   "-A X -j ACCEPT"\n'));
});

test('the readers chained: Salt, then firewalld, then wrapper functions, their rewritten lines together', () => {
  const text = 'x:\n  cmd.run:\n    - name: firewall-cmd --direct --add-rule ipv4 filter X 0 -j DROP\n';
  const out = readAsRun(text);
  assert.deepEqual(lines(out?.text), ['x:', '  cmd.run:', '            iptables -t filter -I X 1 -j DROP', '']);
  assert.deepEqual([...(out?.rewritten ?? [])], [2]);
  const fns = 'add() { iptables -A DOCKER-USER "$@"; }\nadd -j DROP\nfirewall-cmd --direct --add-rule ipv4 filter X 0 -j DROP\n';
  const both = readAsRun(fns);
  assert.deepEqual(lines(both?.text), ['', 'iptables -A DOCKER-USER -j DROP', 'iptables -t filter -I X 1 -j DROP', '']);
  assert.deepEqual([...(both?.rewritten ?? [])].sort(), [0, 1, 2]);
  assert.deepEqual([...(both?.calls ?? [])], [1]);
  assert.equal(readAsRun('iptables -I DOCKER-USER -j DROP\n'), undefined);
});

test('findings on a rewritten line point at the line as written, without fixes; fixes that would edit such a line are dropped', () => {
  const edit = (line: number) => ({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: 'x\n' });
  const result: LintResult = {
    kind: 'proposal',
    ruleCount: 2,
    diagnostics: [
      { code: 'a', severity: 'warning', message: 'on a rewritten line', span: { line: 0, start: 5, end: 9 }, fixes: [{ title: 'f', edits: [edit(0)] }] },
      { code: 'b', severity: 'warning', message: 'fix edits a rewritten line', span: { line: 1, start: 0, end: 3 }, fixes: [{ title: 'g', edits: [edit(0)] }, { title: 'h', edits: [edit(1)] }] },
      { code: 'c', severity: 'warning', message: 'untouched', span: { line: 1, start: 0, end: 3 }, fixes: [{ title: 'k', edits: [edit(1)] }] },
    ],
  };
  const out = atCallSites(result, { text: '', rewritten: new Set([0]), calls: new Set() }, '  firewall-cmd --x\niptables -A X\n');
  assert.deepEqual(out.diagnostics.map((d) => [d.code, d.span, d.fixes.map((f) => f.title)]), [
    ['a', { line: 0, start: 2, end: 18 }, []],
    ['b', { line: 1, start: 0, end: 3 }, ['h']],
    ['c', { line: 1, start: 0, end: 3 }, ['k']],
  ]);
  assert.equal(out.ruleCount, 2);
});

const words = (text: string) => programCommands(text).map((c) => c.map((t) => t.text).join(' '));

test('program strings: argument lists and command strings as the words they run, at their columns', () => {
  assert.deepEqual(words('subprocess.run(["iptables", "-I", "DOCKER-USER", "-s", ip, "-j", "DROP"])'), ['iptables -I DOCKER-USER -s $ip -j DROP']);
  assert.deepEqual(words("cmd = ['sudo', '/sbin/iptables', '-A', 'X', '-s', self.addr, '-j', 'DROP']"), ['/sbin/iptables -A X -s $self_addr -j DROP']);
  assert.deepEqual(words('exec.Command("iptables", "-A", "X", "-i", cfg.Iface(), "-j", "DROP")'), ['iptables -A X -i $cfg_Iface__ -j DROP']);
  assert.deepEqual(words('x = {"iptables", "-F"}'), ['iptables -F']);
  const toks = programCommands('run(["iptables", "-F", name])')[0];
  assert.deepEqual(toks.map((t) => [t.text, t.start, t.end, t.quoted]), [['iptables', 6, 14, false], ['-F', 18, 20, false], ['$name', 23, 27, true]]);
  assert.equal(toks[1].opt?.text, '-F');
  assert.deepEqual(words('os.system(f"iptables -I DOCKER-USER -s {ip} -j DROP")'), ['iptables -I DOCKER-USER -s $___ -j DROP']);
  assert.deepEqual(words('sh("iptables -A X -s %s -j DROP" % ip)'), ['iptables -A X -s $_ -j DROP']);
  assert.deepEqual(words('system("iptables -A X -s #{ip} -j DROP")'), ['iptables -A X -s $____ -j DROP']);
  assert.deepEqual(words('return "ip6tables -F X"'), ['ip6tables -F X']);
  assert.deepEqual(words('cmd: "iptables -F X"'), ['iptables -F X']);
  assert.deepEqual(words("command => '/usr/sbin/iptables -F X'"), ['/usr/sbin/iptables -F X']);
  assert.deepEqual(words("  execute 'iptables -F X'"), ['iptables -F X']);
  assert.deepEqual(words('run("iptables -A X -s {} -j DROP".format(ip))'), ['iptables -A X -s $_ -j DROP']);
  assert.deepEqual(words('run("iptables -t nat -F".split())'), ['iptables -t nat -F']);
  assert.deepEqual(words('  "iptables -P FORWARD ACCEPT; "'), ['iptables -P FORWARD ACCEPT ;']);
  assert.deepEqual(words('  - [ iptables, -P, FORWARD, ACCEPT ]'), ['iptables -P FORWARD ACCEPT']);
  assert.deepEqual(words('- [sudo, iptables, -F]'), ['iptables -F']);
  const flow = programCommands('  - [ iptables, -F ]')[0];
  assert.deepEqual(flow.map((t) => [t.start, t.end]), [[6, 14], [16, 18]]);
});

test('program strings that are not a command the program runs: printed, partial, prefixes, text fields, arguments of a shell command', () => {
  for (const text of [
    'print("iptables -F")',
    'log.info("iptables -F")',
    'fmt.Printf("iptables -F %s", x)',
    'run("iptables -A X --dport " + port + " -j DROP")',
    'run(prefix + "iptables -F X")',
    'run("iptables -F X" "more")',
    'run("iptables -F X" + y)',
    '$cmd = $a . "iptables -F X";',
    'run("iptables -F X" . $y)',
    'ipt = "iptables -I PREROUTING 1 -t raw "',
    'curl -c "iptables -F" https://example.com',
    'name: "iptables -F"',
    'description = "iptables -F"',
    'run(["iptables", "-F", *args])',
    'run(["iptables", "-F",',
    'run(["iptables"])',
    'run(["sudo", "echo", "x"])',
    'print(["iptables", "-F"])',
    '- name: ["iptables", "-F"]',
    '  - [ echo, iptables, -F ]',
    '  - [ iptables, -F, "x y" ]',
    'Docker says "iptables -F" is bad',
    'Do not run: `iptables -F`',
    'no quotes: iptables -F',
  ]) assert.deepEqual(words(text), [], text);
});

const rulesOf = (text: string) => parseRules(text).rules.map((r) => `${r.line + 1}:${r.span.start} ${r.op} ${r.chain} ${r.target?.name ?? ''}`);
const diagsOf = (text: string) => parseRules(text).diagnostics.map((d) => `${d.span.line + 1} ${d.code}`);

test('Markdown inline code: read where given to run, at its columns; a line break `\\` before it puts it alone on its line', () => {
  assert.deepEqual(rulesOf('`iptables -A X -j DROP`\n'), ['1:1 A X DROP']);
  assert.deepEqual(rulesOf('> 1. `iptables -A X -j DROP`;\n'), ['1:6 A X DROP']);
  assert.deepEqual(rulesOf('Then: `iptables -A X -j DROP` and more\n'), ['1:7 A X DROP']);
  assert.deepEqual(rulesOf('`iptables -A X -j DROP` and more\n'), []);
  assert.deepEqual(rulesOf('see `iptables -A X -j DROP`\n'), []);
  assert.deepEqual(rulesOf('You should never do this: `iptables -A X -j DROP`\n'), []);
  // (its span is on the second physical line, column 1)
  assert.deepEqual(rulesOf('Only from 127.0.0.1 \\\n`iptables -A X -j DROP`\n'), ['1:1 A X DROP']);
  assert.deepEqual(rulesOf('Only from 127.0.0.1 \\\nand `iptables -A X -j DROP`\n'), []);
  // the second span holds the rule; a listing or a bare binary in the first is passed over
  assert.deepEqual(rulesOf('Check: `iptables -L` then: `iptables -A X -j DROP`\n'), ['1:28 A X DROP']);
});

test('an embedded command iptables would refuse is not read; a sentence\'s apostrophes around a read one are no unterminated quote', () => {
  assert.deepEqual(rulesOf('Run: `iptables -A X -j DROP -s`\n'), []);
  assert.deepEqual(diagsOf('Run: `iptables -A X -j DROP -s`\n').filter((d) => !d.endsWith('not-iptables')), []);
  assert.deepEqual(diagsOf("Docker's way: `iptables -A X -j DROP`\n"), []);
  assert.deepEqual(rulesOf("Docker's way: `iptables -A X -j DROP`\n"), ['1:15 A X DROP']);
  // a real unterminated quote in a shell command stays
  assert.deepEqual(diagsOf("iptables -A X -m comment --comment 'x -j DROP\n"), ['1 syntax/unterminated-quote']);
});

test('a word after the binary is a sentence; an option, a variable, a placeholder, a template or a typo in capitals is a command', () => {
  assert.deepEqual(diagsOf('Description=Restore iptables rules for Docker\n'), ['1 syntax/not-iptables']);
  for (const text of ['iptables -A X -j DROP', 'iptables $ARGS', 'iptables <args>', 'iptables {{ args }}', 'iptables A X']) {
    assert.ok(!diagsOf(`${text}\n`).includes('1 syntax/not-iptables'), text);
  }
  assert.deepEqual(diagsOf('iptables "rules" -A X\n').includes('1 syntax/not-iptables'), false);
  assert.deepEqual(rulesOf('start) iptables -A X -j DROP ;;\n'), ['1:0 A X DROP']);
  // (`|` splits the pattern list as a pipe would: the second command starts at `stop)`)
  assert.deepEqual(rulesOf('start|stop) iptables -A X -j DROP ;;\n'), ['1:6 A X DROP']);
  assert.deepEqual(rulesOf('(x) iptables -A X -j DROP\n'), []);
});
