/**
 * Line results into a Ruleset (assemble.ts), the canonical rule key (ruleKey.ts) and the front door (parse.ts),
 * judged against the kernel: each SCRIPT was run line by line as `iptables <line>` with iptables v1.8.9
 * (nf_tables) in a throw-away network namespace (`unshare -n`) on 2026-12-06; "ok" = every line succeeded,
 * otherwise the first error iptables printed. Our diagnostics and the chains' rule counts are exact.
 * Where the kernel refuses and we only inform, the reason is that this text does not show the whole chain
 * (a chain created elsewhere, e.g. by Docker, may hold more rules); the lint rules name those cases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, canonicalTargetOptions, isListing, parseDumpText, parseRules, ruleKey } from '../../src/core/iptables/parse';
import type { RuleOption, Ruleset, TableName } from '../../src/core/iptables/model';

/** [lines (| between them), what iptables 1.8.9 said, our diagnostics, chain:rules after it]. */
const SCRIPTS: [string, string, string[], string][] = [
  ['-N X|-A X -j ACCEPT|-I X 3 -j DROP', 'Index of insertion too big.', ['warning syntax/bad-position 2:0-23 insert position 3 is beyond the end of X (1 rule(s) here): appended'], 'X:2'],
  ['-N X|-I X 2 -j DROP', 'Index of insertion too big.', ['warning syntax/bad-position 1:0-23 insert position 2 is beyond the end of X (0 rule(s) here): appended'], 'X:1'],
  ['-N X|-A X -j ACCEPT|-I X 2 -j DROP', 'ok', [], 'X:2'],
  ['-N X|-R X 1 -j DROP', 'Index of replacement too big.', ['warning syntax/bad-position 1:0-23 no rule 1 in X to replace (0 rule(s) here)'], 'X:0'],
  ['-N X|-A X -j ACCEPT|-R X 1 -j DROP', 'ok', [], 'X:1'],
  ['-N X|-D X 1', 'Index of deletion too big.', ['warning syntax/rule-not-found 1:0-15 no rule 1 in X to delete'], 'X:0'],
  ['-N X|-A X -j ACCEPT|-D X 1', 'ok', [], 'X:0'],
  ['-N X|-A X -s 1.2.3.4 -j ACCEPT|-D X -s 1.2.3.4/32 -j ACCEPT', 'ok', [], 'X:0'],
  ['-N X|-A X -s 1.2.3.4 -j ACCEPT|-D X -s 1.2.3.5 -j ACCEPT', 'Bad rule (does a matching rule exist in that chain?).', ['warning syntax/rule-not-found 2:0-34 no such rule in X to delete'], 'X:1'],
  ['-N X|-A X -j ACCEPT|-X X', 'CHAIN_DEL failed (Device or resource busy): chain X', ['warning syntax/chain-not-empty 2:12-13 chain X still has 1 rule(s): iptables refuses to delete it'], 'X:1'],
  ['-N X|-X X', 'ok', [], ''],
  ['-X Y', 'No chain/target/match by that name.', ['info syntax/unknown-chain 0:12-13 chain Y is not defined in this text'], ''],
  ['-X INPUT', 'No chain/target/match by that name.', ['error syntax/bad-chain-name 0:12-17 builtin chain INPUT cannot be deleted'], ''],
  ['-N X|-N X', 'Chain already exists.', ['warning syntax/chain-exists 1:12-13 chain X already exists (line 1)'], 'X:0'],
  ['-N INPUT', 'Chain already exists.', ['warning syntax/chain-exists 0:12-17 chain INPUT already exists (a builtin chain)'], ''],
  ['-N X|-E X Y|-A Y -j ACCEPT', 'ok', [], 'Y:1'],
  ['-E Y Z', 'No chain/target/match by that name.', ['info syntax/unknown-chain 0:12-13 chain Y is not defined in this text'], ''],
  ['-F Y', 'No chain/target/match by that name.', ['info syntax/unknown-chain 0:12-13 chain Y is not defined in this text'], ''],
  ['-A INPUT -j FORWARD', 'RULE_APPEND failed (No such file or directory): rule in chain INPUT', ['error syntax/unknown-target 0:18-28 cannot jump to builtin chain FORWARD'], 'INPUT:0'],
  ['-A INPUT -g ACCEPT', "Chain 'ACCEPT' does not exist", ['error syntax/unknown-target 0:18-27 -g needs a chain, ACCEPT is a target'], 'INPUT:0'],
  ['-A INPUT -j accept', "Chain 'accept' does not exist", ['error syntax/unknown-target 0:18-27 unknown target "accept" (did you mean ACCEPT?)'], 'INPUT:0'],
  ['-N X|-A INPUT -g X', 'ok', [], 'X:0,INPUT:1'],
  ['-N X|-A X -j ACCEPT|-F X|-X X', 'ok', [], ''],
  ['-N X|-A X -j ACCEPT|-F|-X', 'ok', [], ''],
  ['-N X|-A X -j MARK --set-mark 1|-D X -j MARK --set-xmark 0x1/0xffffffff', 'ok', [], 'X:0'],
  ['-t mangle -N X|-t mangle -A X -j CONNMARK --save-mark|-t mangle -D X -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff', 'ok', [], 'X:0'],
  ['-t mangle -N X|-t mangle -A X -j CONNMARK --restore-mark --mask 0xff|-t mangle -D X -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff', 'ok', [], 'X:0'],
  ['-N X|-A X -p tcp --dport 80 -j ACCEPT|-D X -p 6 -m tcp --dport 80 -j ACCEPT', 'ok', [], 'X:0'],
  ['-N X|-A X -j MARK --or-mark 4|-D X -j MARK --set-xmark 0x4/0x4', 'ok', [], 'X:0'],
  ['-N X|-A X -j MARK --and-mark 1|-D X -j MARK --set-xmark 0x0/0xfffffffe', 'ok', [], 'X:0'],
];

function chains(rs: Ruleset, t: TableName): string {
  return [...(rs.tables.get(t)?.chains.values() ?? [])].map((c) => `${c.name}:${c.rules.length}`).join(',');
}

describe('assembly: the verdict of iptables 1.8.9 run line by line in a netns', () => {
  for (const [script, kernel, want, after] of SCRIPTS) {
    it(`${script}  (iptables: ${kernel})`, () => {
      const rs = parseRules(script.split('|').map((c) => `iptables ${c}`).join('\n'));
      assert.deepEqual(rs.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`), want);
      assert.equal(chains(rs, script.includes('mangle') ? 'mangle' : 'filter'), after);
      if (kernel === 'ok') assert.deepEqual(want, []);
    });
  }
});

describe('assembly: order, positions, indexes, policies, completeness', () => {
  it('-I positions, -R, -D by number, $n goes last; index is the place in the chain', () => {
    const rs = parseRules(['-A X -s 1.1.1.1', '-A X -s 2.2.2.2', '-I X -s 0.0.0.0/8', '-I X 2 -s 9.9.9.9', '-R X 4 -s 3.3.3.3', '-D X 1', 'iptables -I X "$n" -s 4.4.4.4', '-A X -s 5.5.5.5'].join('\n'));
    const x = rs.tables.get('filter')?.chains.get('X');
    assert.deepEqual(x?.rules.map((r) => [r.source?.value, r.index]), [['9.9.9.9', 0], ['1.1.1.1', 1], ['3.3.3.3', 2], ['4.4.4.4', 3], ['5.5.5.5', 4]]);
    assert.equal(rs.rules.length, 8, 'every rule line is listed, -D and -R included');
    assert.deepEqual(rs.rules.map((r) => r.index), [1, undefined, undefined, 0, 2, undefined, 3, 4]);
  });

  it('re-assembling cached results clears old indexes', () => {
    const a = parseRules('-A X -j ACCEPT\n-A X -j DROP');
    const r = a.rules[1];
    assert.equal(r.index, 1);
    const b = parseRules('-A X -j DROP');
    assert.equal(b.rules[0].index, 0);
  });

  it('-S with -P for every builtin chain is complete: unknown targets are errors there, a lowercase one a warning elsewhere', () => {
    const complete = parseRules('-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-A INPUT -j NOSUCH\n');
    assert.deepEqual(complete.diagnostics.map((d) => `${d.severity} ${d.message}`), ['error unknown target "NOSUCH": not a target extension and no such chain in table filter']);
    assert.equal(chains(complete, 'filter'), 'INPUT:0,FORWARD:0,OUTPUT:0');
    const partial = parseRules('-P INPUT ACCEPT\n-P FORWARD DROP\n-A INPUT -j NOSUCH\n-A INPUT -j my-chain\n');
    assert.deepEqual(partial.diagnostics.map((d) => `${d.severity} ${d.message}`), ['warning "my-chain" is not a known target and no chain of that name is declared here: assumed to be a user chain']);
    assert.equal(chains(partial, 'filter'), 'INPUT:2,FORWARD:0');
    const save = parseRules('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOSUCH\nCOMMIT\n');
    assert.deepEqual(save.diagnostics.map((d) => d.message), ['unknown target "NOSUCH": not a target extension and no such chain in table filter']);
    const cmdPolicies = parseRules('iptables -P INPUT ACCEPT\niptables -P FORWARD DROP\niptables -P OUTPUT ACCEPT\niptables -A INPUT -j NOSUCH\n');
    assert.deepEqual(cmdPolicies.diagnostics, [], 'policies set by commands do not make the table complete');
  });

  it('policies and declarations: -P sets the policy; a chain declared twice in a dump is an error naming the first line', () => {
    const rs = parseRules('-P FORWARD DROP\n-N X\n-N X\n');
    assert.equal(rs.tables.get('filter')?.chains.get('FORWARD')?.policy, 'DROP');
    assert.deepEqual(rs.diagnostics.map((d) => `${d.severity} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`), ['error 2:3-4 chain X already exists (line 2)']);
  });

  it('-E keeps the chain in its place and renames its rules (copies: cached results keep theirs)', () => {
    const rs = parseRules('-N A\n-N B\n-N C\n-A B -j ACCEPT\n-E B Z\n');
    assert.deepEqual([...(rs.tables.get('filter')?.chains.keys() ?? [])], ['A', 'Z', 'C']);
    assert.equal(rs.tables.get('filter')?.chains.get('Z')?.rules[0].chain, 'Z');
    assert.equal(rs.rules[0].chain, 'B');
  });

  it('-X without a chain deletes the empty user chains and reports the others; -F without a chain empties all', () => {
    const rs = parseRules('-N A\n-N B\n-A B -j ACCEPT\n-A INPUT -j ACCEPT\n-X\n');
    assert.equal(chains(rs, 'filter'), 'B:1,INPUT:1');
    assert.deepEqual(rs.diagnostics.map((d) => `${d.severity} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`), ['warning 4:0-0 chain B still has 1 rule(s): iptables refuses to delete it']);
    assert.equal(chains(parseRules('-N A\n-A A -j ACCEPT\n-A INPUT -j ACCEPT\n-F\n'), 'filter'), 'A:0,INPUT:0');
  });

  it('lines with an error are listed but change nothing', () => {
    const rs = parseRules('-A X -s 1.1.1.1\n-A X -s 1.1.1.400\n-N Y -j ACCEPT\n-P INPUT REJECT\n');
    assert.equal(chains(rs, 'filter'), 'X:1');
    assert.equal(rs.rules.length, 2);
  });

  it('rules on an undeclared chain inside a dump are errors but still go into the chain', () => {
    const rs = parseRules('*filter\n-A X -j ACCEPT\nCOMMIT\n');
    assert.deepEqual(rs.diagnostics.map((d) => d.message), ['chain X is not declared in this *filter section']);
    assert.equal(chains(rs, 'filter'), 'X:1');
  });

  it('delete by spec when nothing is known about the chain: info; when it has rules: a warning', () => {
    assert.deepEqual(parseRules('-D X -j DROP').diagnostics.map((d) => d.severity), ['info']);
    assert.deepEqual(parseRules('-A X -j ACCEPT\n-D X -j DROP').diagnostics.map((d) => d.severity), ['warning']);
    assert.deepEqual(parseRules('-I X 5 -j DROP').diagnostics.map((d) => d.severity), ['info']);
    assert.deepEqual(parseRules('-R X 1 -j DROP').diagnostics.map((d) => d.severity), ['info']);
    assert.deepEqual(parseRules('-D X 1').diagnostics.map((d) => d.severity), ['info']);
  });

  it('a missing COMMIT is a warning at the last line; text without a section none', () => {
    assert.deepEqual(parseRules('*nat\n-A X -j ACCEPT').diagnostics.filter((d) => d.message.includes('COMMIT')).map((d) => `${d.span.line} ${d.message}`), ['1 *nat section without COMMIT (truncated dump?)']);
    assert.deepEqual(parseRules('*nat').diagnostics.map((d) => `${d.span.line} ${d.severity}`), ['0 warning']);
  });
});

describe('ruleKey: the same kernel rule, the same key', () => {
  const key = (l: string, t: TableName = 'filter'): string => ruleKey(parseRules(l, { defaultTable: t }).rules[0]);
  it('spellings that are the same rule', () => {
    assert.equal(key('-A X -s 10.0.0.1 -p tcp -m tcp --dport 80 -j ACCEPT'), key('-A X -p tcp -s 10.0.0.1/32 --dport 80 -j ACCEPT'));
    assert.equal(key('-A X -p all -j ACCEPT'), key('-A X -j ACCEPT'));
    assert.equal(key('-A X -d fe80::1 -j ACCEPT'), key('-A X -d FE80::1/128 -j ACCEPT'));
    assert.equal(key('-A X -m conntrack --ctorigdst 10.0.0.1 -j ACCEPT'), key('-A X -m conntrack --ctorigdst 10.0.0.1/32 -j ACCEPT'));
    assert.equal(key('-A X -j MARK --set-mark 0x1/0xf', 'mangle'), key('-A X -j MARK --set-xmark 0x1/0xf', 'mangle'));
    assert.equal(key('-A X -j MARK --or-mark 0x4', 'mangle'), key('-A X -j MARK --set-xmark 4/4', 'mangle'));
    assert.equal(key('-A X -j MARK --xor-mark 2', 'mangle'), key('-A X -j MARK --set-xmark 0x2/0x0', 'mangle'));
    assert.equal(key('-A X -j MARK --and-mark 0xff', 'mangle'), key('-A X -j MARK --set-xmark 0x0/0xffffff00', 'mangle'));
    assert.equal(key('-A X -j CONNMARK --restore-mark', 'mangle'), key('-A X -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', 'mangle'));
    assert.equal(key('-A X -j CONNMARK --restore-mark --mask 0xff', 'mangle'), key('-A X -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff', 'mangle'));
    assert.equal(key('-A X -m tcp -p tcp --sport 1 --dport 2'), key('-A X -p tcp -m tcp --dport 2 --sport 1'));
  });
  it('different rules, different keys', () => {
    const pairs: [string, string][] = [
      ['-A X -s 10.0.0.1 -j ACCEPT', '! -s 10.0.0.1'.replace(/^/, '-A X ') + ' -j ACCEPT'],
      ['-A X -s 10.0.0.1 -j ACCEPT', '-A X -d 10.0.0.1 -j ACCEPT'],
      ['-A X -i a -j ACCEPT', '-A X -o a -j ACCEPT'],
      ['-A X -f -j ACCEPT', '-A X ! -f -j ACCEPT'],
      ['-A X -f -j ACCEPT', '-A X -j ACCEPT'],
      ['-A X -p tcp -j ACCEPT', '-A X -p udp -j ACCEPT'],
      ['-A X -j Y', '-A X -g Y'],
      ['-A X -p tcp --dport 1 -j ACCEPT', '-A X -p tcp ! --dport 1 -j ACCEPT'],
      ['-A X -j MARK --set-mark 1', '-A X -j MARK --set-mark 2'],
      ['-A X -j CONNMARK --save-mark', '-A X -j CONNMARK --restore-mark'],
      ['-A X -j CONNMARK --save-mark --nfmask 0xff', '-A X -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff'],
      ['-A X -m comment --comment "a b" -j ACCEPT', '-A X -m comment --comment "a" -j ACCEPT'],
    ];
    for (const [a, b] of pairs) assert.notEqual(key(a, 'mangle'), key(b, 'mangle'), `${a} | ${b}`);
  });
  it('the key is cached per rule object', () => {
    const r = parseRules('-A X -j ACCEPT').rules[0];
    const k = ruleKey(r);
    r.target = undefined;
    assert.equal(ruleKey(r), k);
  });
  it('canonicalTargetOptions: MARK/CONNMARK spellings, others unchanged, unparsable values kept', () => {
    const o = (name: string, ...args: string[]): RuleOption => ({ name, negated: false, args, span: { line: 0, start: 0, end: 1 } });
    const c = (t: string, ...os: RuleOption[]): string[] => canonicalTargetOptions(t, os).map((x) => `${x.name} ${x.args.join(' ')}`.trim());
    assert.deepEqual(c('MARK', o('set-mark', '0x10/0x1')), ['set-xmark 0x10/0x11']);
    assert.deepEqual(c('MARK', o('set-mark', '16')), ['set-xmark 0x10/0xffffffff']);
    assert.deepEqual(c('MARK', o('set-mark', 'x')), ['set-mark x']);
    assert.deepEqual(c('MARK', o('set-mark', '0x100000000')), ['set-mark 0x100000000']);
    assert.deepEqual(c('MARK', o('set-mark', '1/x')), ['set-mark 1/x']);
    assert.deepEqual(c('MARK', o('set-mark', '0X1F')), ['set-xmark 0x1f/0xffffffff']);
    assert.deepEqual(c('CONNMARK', o('save-mark'), o('mask', '0xf')), ['save-mark', 'nfmask 0xf', 'ctmask 0xf']);
    assert.deepEqual(c('CONNMARK', o('save-mark'), o('nfmask', '0xf')), ['save-mark', 'nfmask 0xf', 'ctmask 0xffffffff']);
    assert.deepEqual(c('CONNMARK', o('save-mark'), o('ctmask', '0xf')), ['save-mark', 'ctmask 0xf', 'nfmask 0xffffffff']);
    assert.deepEqual(c('CONNMARK', o('set-mark', '1')), ['set-xmark 0x1/0xffffffff']);
    assert.deepEqual(c('MARK', o('save-mark')), ['save-mark'], 'only CONNMARK gets the default masks');
    const same = [o('to-destination', '1.2.3.4')];
    assert.equal(canonicalTargetOptions('DNAT', same), same);
  });
  it('canonicalAddress: bare IPv4 → /32, netmask → prefix, bare IPv6 → /128, lower case', () => {
    assert.deepEqual(['10.0.0.1', '10.0.0.0/255.0.0.0', 'FE80::1', 'fe80::/64', '10.0.0.0/8'].map(canonicalAddress), ['10.0.0.1/32', '10.0.0.0/8', 'fe80::1/128', 'fe80::/64', '10.0.0.0/8']);
  });
});

describe('the front door: format detection', () => {
  it('isListing: the first meaningful line is a "Chain X (" header', () => {
    assert.equal(isListing('\n# c\nWarning: x\nChain INPUT (policy ACCEPT)\n'), true);
    assert.equal(isListing('Chain INPUT\n'), false);
    assert.equal(isListing('-P INPUT ACCEPT\nChain X (1 references)\n'), false);
    assert.equal(isListing(''), false);
    assert.equal(isListing(`${'\n'.repeat(60)}Chain X (1 references)\n`), false, 'only the first 50 lines are looked at');
    assert.equal(isListing(`${'\n'.repeat(40)}Chain X (1 references)`), true);
  });
  it('parseDumpText: a listing or rule text, in the given table (filter by default)', () => {
    const l = parseDumpText('Chain PREROUTING (policy ACCEPT)\ntarget prot opt source destination\nACCEPT all -- 0.0.0.0/0 0.0.0.0/0\n', { table: 'nat' });
    assert.deepEqual([...l.tables.keys()], ['nat']);
    assert.equal(l.rules.length, 1);
    const r = parseDumpText('-A PREROUTING -j ACCEPT', { table: 'nat' });
    assert.equal(r.rules[0].table, 'nat');
    assert.equal(parseDumpText('-A X -j ACCEPT').rules[0].table, 'filter');
    assert.deepEqual([...parseDumpText('Chain X (1 references)\n').tables.keys()], ['filter']);
  });
});
