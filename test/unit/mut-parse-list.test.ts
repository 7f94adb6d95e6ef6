/**
 * The `iptables -nvL` listing parser (parseList.ts, listExtra.ts, listTargets.ts, listWords.ts), judged on real
 * outputs: test/fixtures/iptables-captured/targets-1.8.9.txt was captured with iptables v1.8.9 (nf_tables and
 * legacy) in a throw-away network namespace; for each table its -nvL listing must parse into exactly the rules
 * that -S printed for the same kernel rules (the kernel is the oracle). Then the exact spans, option values and
 * diagnostics (position and message) of listing text, chain headers and columns.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesList, parseListCounter } from '../../src/core/iptables/parseList';
import { parseRules, ruleKey } from '../../src/core/iptables/parse';
import type { Rule, RuleDiagnostic, Ruleset, TableName } from '../../src/core/iptables/model';

const CAPTURE = readFileSync(join(__dirname, '../fixtures/iptables-captured/targets-1.8.9.txt'), 'utf8');

/** The capture's sections: "<binary> <table> <-S|-nvL>" → text. */
function sections(): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | undefined;
  for (const l of CAPTURE.split('\n')) {
    if (l.startsWith('=== ')) out.set((cur = l.slice(4)), '');
    else if (cur !== undefined) out.set(cur, `${out.get(cur)}${l}\n`);
  }
  return out;
}

const HEAD = ' pkts bytes target     prot opt in     out     source               destination\n';

/** One rule line in chain X of `table`: the listing parsed, the rule and the diagnostics. */
function one(line: string, table: TableName = 'filter'): { rs: Ruleset; rule: Rule; d: RuleDiagnostic[] } {
  const rs = parseIptablesList(`Chain X (1 references)\n${HEAD}${line}\n`, table);
  assert.equal(rs.rules.length, 1, 'one rule');
  return { rs, rule: rs.rules[0], d: rs.diagnostics };
}

function opts(rule: Rule): [string, string[], boolean][] {
  return (rule.target?.options ?? []).map((o) => [o.name, o.args, o.negated]);
}

function diag(d: RuleDiagnostic): string {
  return `${d.severity} ${d.code} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`;
}

const COLS = '    0     0 ';
const ANY = '  0.0.0.0/0            0.0.0.0/0            ';

describe('listing parser: real iptables 1.8.9 target text (kernel-captured)', () => {
  const secs = sections();
  const names = [...secs.keys()].filter((k) => k.endsWith(' -S'));
  it('the capture has 8 -S/-nvL pairs', () => assert.equal(names.length, 8));
  for (const name of names) {
    const base = name.slice(0, -3);
    const table = base.split(' ')[1] as TableName;
    it(`${base}: every -nvL rule has the key of the -S rule at the same place; no diagnostic`, () => {
      const s = parseRules(secs.get(name) ?? '', { defaultTable: table });
      const l = parseIptablesList(secs.get(`${base} -nvL`) ?? '', table);
      assert.deepEqual(l.diagnostics.map(diag), []);
      assert.deepEqual(s.diagnostics.filter((d) => d.severity !== 'info').map(diag), []);
      assert.ok(s.rules.length >= 3);
      assert.deepEqual(l.rules.map(ruleKey), s.rules.map(ruleKey));
      assert.deepEqual(l.rules.map((r) => r.chain), s.rules.map((r) => r.chain));
    });
  }
});

describe('listing parser: target options, exactly', () => {
  it('LOG flags 47 level 7 prefix "a b  c": every flag bit, the level, the prefix with its two spaces; span to the closing quote', () => {
    const line = `${COLS}LOG        0    --  *      *     ${ANY}LOG flags 47 level 7 prefix "a b  c"`;
    const { rule, d } = one(line);
    assert.deepEqual(d, []);
    assert.deepEqual(opts(rule), [
      ['log-tcp-sequence', [], false],
      ['log-tcp-options', [], false],
      ['log-ip-options', [], false],
      ['log-uid', [], false],
      ['log-macdecode', [], false],
      ['log-level', ['7'], false],
      ['log-prefix', ['a b  c'], false],
    ]);
    const prefix = rule.target?.options[6];
    assert.equal(line.slice(prefix?.span.start, prefix?.span.end), 'prefix "a b  c"');
    const flags = rule.target?.options[0];
    assert.equal(line.slice(flags?.span.start, flags?.span.end), 'flags 47');
    assert.equal(rule.target?.span.end, line.length, 'the target span grows to its last option');
  });

  it('LOG flags 8 (log-uid only), level warning is the default (omitted), a prefix without quotes, text after it', () => {
    const { rule, d } = one(`${COLS}LOG        0    --  *      *     ${ANY}LOG flags 8 level warning prefix x zzz`);
    assert.deepEqual(opts(rule), [['log-uid', [], false], ['log-prefix', ['x'], false]]);
    assert.deepEqual(d.map((x) => x.message), ['unrecognised listing text "zzz" (kept as an unknown part of the rule)']);
  });

  it('LOG prefix "x" followed by quoted comment text: the prefix ends at its own closing quote', () => {
    const { rule } = one(`${COLS}LOG        0    --  *      *     ${ANY}LOG flags 0 level 4 prefix "p: " /* c */`);
    assert.deepEqual(opts(rule), [['log-prefix', ['p: '], false]]);
    assert.deepEqual(rule.matches.map((m) => [m.module, m.options.map((o) => o.args)]), [['comment', [['c']]]]);
  });

  it('MARK set/xset/or/xor/and → --set-xmark as -S prints it', () => {
    const x = (t: string): string[] => opts(one(`${COLS}MARK       0    --  *      *     ${ANY}MARK ${t}`, 'mangle').rule).map((o) => o[1][0]);
    assert.deepEqual(x('set 0x7'), ['0x7/0xffffffff']);
    assert.deepEqual(x('xset 0x7/0xf'), ['0x7/0xf']);
    assert.deepEqual(x('xset 0x7'), ['0x7/0xffffffff']);
    assert.deepEqual(x('or 0x10'), ['0x10/0x10']);
    assert.deepEqual(x('xor 0x3'), ['0x3/0x0']);
    assert.deepEqual(x('and 0xff'), ['0x0/0xffffff00']);
    assert.deepEqual(x('and 255'), ['0x0/0xffffff00']);
  });

  it('MARK with a verb but no value, and an unknown verb: one unknown text with its span, no option', () => {
    const line = `${COLS}MARK       0    --  *      *     ${ANY}MARK set`;
    const { rule, d } = one(line, 'mangle');
    assert.deepEqual(opts(rule), []);
    assert.deepEqual(d.map((x) => [x.message, line.slice(x.span.start, x.span.end)]), [['unrecognised listing text "MARK set" (kept as an unknown part of the rule)', 'MARK set']]);
    assert.deepEqual(one(`${COLS}MARK       0    --  *      *     ${ANY}MARK frob 0x1`, 'mangle').d.map((x) => x.message), ['unrecognised listing text "MARK frob 0x1" (kept as an unknown part of the rule)']);
    // a "!" before it is part of the unknown text, not dropped
    assert.deepEqual(one(`${COLS}MARK       0    --  *      *     ${ANY}! MARK frob`, 'mangle').d.map((x) => x.message), ['unrecognised listing text "! MARK frob" (kept as an unknown part of the rule)']);
  });

  it('MARK text on a CONNMARK rule (and CONNMARK text on a MARK rule) is not target text', () => {
    assert.equal(opts(one(`${COLS}CONNMARK   0    --  *      *     ${ANY}MARK set 0x1`, 'mangle').rule).length, 0);
    assert.equal(opts(one(`${COLS}MARK       0    --  *      *     ${ANY}CONNMARK save`, 'mangle').rule).length, 0);
  });

  it('CONNMARK save → --save-mark with both full masks; nfmask/ctmask ~M; mask M is both masks', () => {
    const c = (t: string): [string, string[], boolean][] => opts(one(`${COLS}CONNMARK   0    --  *      *     ${ANY}CONNMARK ${t}`, 'mangle').rule);
    assert.deepEqual(c('save'), [['save-mark', [], false], ['nfmask', ['0xffffffff'], false], ['ctmask', ['0xffffffff'], false]]);
    assert.deepEqual(c('restore'), [['restore-mark', [], false], ['nfmask', ['0xffffffff'], false], ['ctmask', ['0xffffffff'], false]]);
    assert.deepEqual(c('save nfmask 0xff ctmask ~0xf0'), [['save-mark', [], false], ['nfmask', ['0xff'], false], ['ctmask', ['0xf0'], false]]);
    assert.deepEqual(c('restore mask 0xff'), [['restore-mark', [], false], ['nfmask', ['0xff'], false], ['ctmask', ['0xff'], false]]);
    assert.deepEqual(c('xset 0x5/0xff'), [['set-xmark', ['0x5/0xff'], false]]);
  });

  it('MARK save (MARK has no save): the masks are not added', () => {
    assert.deepEqual(opts(one(`${COLS}MARK       0    --  *      *     ${ANY}MARK save`, 'mangle').rule), [['save-mark', [], false]]);
  });

  it('CONNMARK save nfmask without a value: the dangling word is unknown text', () => {
    const { rule, d } = one(`${COLS}CONNMARK   0    --  *      *     ${ANY}CONNMARK save nfmask`, 'mangle');
    assert.deepEqual(opts(rule).map((o) => o[0]), ['save-mark']);
    assert.deepEqual(d.map((x) => x.message), ['unrecognised listing text "nfmask" (kept as an unknown part of the rule)']);
  });

  it('NAT: to: per target (DNAT to-destination, SNAT to-source, NETMAP to), random/persistent/random-fully, masq/redir ports', () => {
    assert.deepEqual(opts(one(`${COLS}DNAT       6    --  *      *     ${ANY}to:10.0.0.2:80 random persistent`, 'nat').rule), [['to-destination', ['10.0.0.2:80'], false], ['random', [], false], ['persistent', [], false]]);
    assert.deepEqual(opts(one(`${COLS}SNAT       0    --  *      *     ${ANY}to:10.0.0.3 random-fully`, 'nat').rule), [['to-source', ['10.0.0.3'], false], ['random-fully', [], false]]);
    assert.deepEqual(opts(one(`${COLS}NETMAP     0    --  *      *     ${ANY}to:10.1.0.0/24`, 'nat').rule), [['to', ['10.1.0.0/24'], false]]);
    assert.deepEqual(opts(one(`${COLS}MASQUERADE  17   --  *      *     ${ANY}masq ports: 1000-2000 random-fully`, 'nat').rule), [['to-ports', ['1000-2000'], false], ['random-fully', [], false]]);
    assert.deepEqual(opts(one(`${COLS}REDIRECT   6    --  *      *     ${ANY}redir ports 8080`, 'nat').rule), [['to-ports', ['8080'], false]]);
  });

  it('NAT words on other targets, and ports words of the other NAT target, are unknown text', () => {
    const unknown = (line: string, table: TableName = 'nat'): string[] => one(line, table).d.map((x) => x.message);
    assert.deepEqual(unknown(`${COLS}ACCEPT     0    --  *      *     ${ANY}to:1.2.3.4`, 'filter'), ['unrecognised listing text "to:1.2.3.4" (kept as an unknown part of the rule)']);
    assert.deepEqual(unknown(`${COLS}ACCEPT     0    --  *      *     ${ANY}random`, 'filter'), ['unrecognised listing text "random" (kept as an unknown part of the rule)']);
    assert.deepEqual(unknown(`${COLS}REDIRECT   6    --  *      *     ${ANY}masq ports: 80`), ['unrecognised listing text "masq ports: 80" (kept as an unknown part of the rule)']);
    assert.deepEqual(unknown(`${COLS}MASQUERADE  6    --  *      *     ${ANY}redir ports 80`), ['unrecognised listing text "redir ports 80" (kept as an unknown part of the rule)']);
    assert.deepEqual(unknown(`${COLS}MASQUERADE  6    --  *      *     ${ANY}masq ports:`), ['unrecognised listing text "masq ports:" (kept as an unknown part of the rule)']);
    assert.deepEqual(unknown(`${COLS}MASQUERADE  6    --  *      *     ${ANY}masq port: 80`), ['unrecognised listing text "masq port: 80" (kept as an unknown part of the rule)']);
  });

  it('TCPMSS clamp to PMTU / set N; TCPMSS alone is unknown text', () => {
    const line = `${COLS}TCPMSS     6    --  *      *     ${ANY}TCPMSS clamp to PMTU`;
    const { rule } = one(line, 'mangle');
    assert.deepEqual(opts(rule), [['clamp-mss-to-pmtu', [], false]]);
    const o = rule.target?.options[0];
    assert.equal(line.slice(o?.span.start, o?.span.end), 'TCPMSS clamp to PMTU');
    assert.deepEqual(opts(one(`${COLS}TCPMSS     6    --  *      *     ${ANY}TCPMSS set 1360`, 'mangle').rule), [['set-mss', ['1360'], false]]);
    for (const t of ['TCPMSS', 'TCPMSS clamp to', 'TCPMSS clamp PMTU x', 'TCPMSS set', 'TCPMSS frob to PMTU']) {
      const r = one(`${COLS}TCPMSS     6    --  *      *     ${ANY}${t}`, 'mangle');
      assert.deepEqual(opts(r.rule), [], t);
      assert.deepEqual(r.d.map((x) => x.message), [`unrecognised listing text "${t}" (kept as an unknown part of the rule)`]);
    }
  });

  it('CT notrack / zone N / helper H / several; target CT with the text NOTRACK is target NOTRACK (iptables-nft)', () => {
    assert.deepEqual(opts(one(`${COLS}CT         0    --  *      *     ${ANY}CT zone 4`, 'raw').rule), [['zone', ['4'], false]]);
    assert.deepEqual(opts(one(`${COLS}CT         0    --  *      *     ${ANY}CT notrack zone-orig 2 helper ftp`, 'raw').rule), [['notrack', [], false], ['zone-orig', ['2'], false], ['helper', ['ftp'], false]]);
    const nt = one(`${COLS}CT         0    --  *      *     ${ANY}NOTRACK`, 'raw');
    assert.equal(nt.rule.target?.name, 'NOTRACK');
    assert.deepEqual(nt.d, []);
    // CT text then NOTRACK: the target already has an option, NOTRACK stays unknown text
    const both = one(`${COLS}CT         0    --  *      *     ${ANY}CT zone 1 NOTRACK`, 'raw');
    assert.equal(both.rule.target?.name, 'CT');
    assert.deepEqual(both.d.map((x) => x.message), ['unrecognised listing text "NOTRACK" (kept as an unknown part of the rule)']);
    // a CT word without its value ends the CT text
    assert.deepEqual(one(`${COLS}CT         0    --  *      *     ${ANY}CT zone`, 'raw').d.map((x) => x.message), ['unrecognised listing text "zone" (kept as an unknown part of the rule)']);
    assert.equal(one(`${COLS}ACCEPT     0    --  *      *     ${ANY}NOTRACK`, 'raw').rule.target?.name, 'ACCEPT');
  });

  it('NFQUEUE num/balance/bypass/cpu-fanout', () => {
    assert.deepEqual(opts(one(`${COLS}NFQUEUE    0    --  *      *     ${ANY}NFQUEUE balance 2:5 cpu-fanout`).rule), [['queue-balance', ['2:5'], false], ['queue-cpu-fanout', [], false]]);
    assert.deepEqual(opts(one(`${COLS}NFQUEUE    0    --  *      *     ${ANY}NFQUEUE num 7 bypass`).rule), [['queue-num', ['7'], false], ['queue-bypass', [], false]]);
    assert.deepEqual(one(`${COLS}NFQUEUE    0    --  *      *     ${ANY}NFQUEUE num`).d.map((x) => x.message), ['unrecognised listing text "num" (kept as an unknown part of the rule)']);
  });

  it('TPROXY redirect A:P [mark V/M]; no address means 0.0.0.0', () => {
    const line = `${COLS}TPROXY     6    --  *      *     ${ANY}TPROXY redirect 10.0.0.1:8080 mark 0x1/0x1`;
    const { rule } = one(line, 'mangle');
    assert.deepEqual(opts(rule), [['on-port', ['8080'], false], ['on-ip', ['10.0.0.1'], false], ['tproxy-mark', ['0x1/0x1'], false]]);
    const m = rule.target?.options[2];
    assert.equal(line.slice(m?.span.start, m?.span.end), 'mark 0x1/0x1');
    assert.deepEqual(opts(one(`${COLS}TPROXY     6    --  *      *     ${ANY}TPROXY redirect :8081`, 'mangle').rule), [['on-port', ['8081'], false], ['on-ip', ['0.0.0.0'], false]]);
    assert.deepEqual(one(`${COLS}TPROXY     6    --  *      *     ${ANY}TPROXY redirect 1.2.3.4:1 mark`, 'mangle').d.map((x) => x.message), ['unrecognised listing text "mark" (kept as an unknown part of the rule)']);
    assert.equal(one(`${COLS}TPROXY     6    --  *      *     ${ANY}TPROXY redirect`, 'mangle').d.length, 1);
  });

  it('reject-with T (REJECT only); [goto] sets target.goto', () => {
    assert.deepEqual(opts(one(`${COLS}REJECT     6    --  *      *     ${ANY}reject-with tcp-reset`).rule), [['reject-with', ['tcp-reset'], false]]);
    assert.equal(one(`${COLS}DROP       6    --  *      *     ${ANY}reject-with tcp-reset`).d.length, 1);
    assert.equal(one(`${COLS}REJECT     6    --  *      *     ${ANY}reject-with`).d.length, 1);
    const g = one(`${COLS}X          0    --  *      *     ${ANY}[goto] `);
    assert.equal(g.rule.target?.goto, true);
    assert.deepEqual(g.d, []);
  });
});

describe('listing parser: unknown text is kept and reported, never dropped', () => {
  it('a run of unknown words is one warning spanning them; a recognised word in between splits the runs', () => {
    const line = `${COLS}ACCEPT     6    --  *      *     ${ANY}foo bar tcp dpt:80 baz`;
    const { rule, d } = one(line);
    assert.deepEqual(d.map((x) => [x.severity, x.code, x.message, line.slice(x.span.start, x.span.end), x.span.line]), [
      ['warning', 'syntax/unknown-list-text', 'unrecognised listing text "foo bar" (kept as an unknown part of the rule)', 'foo bar', 2],
      ['warning', 'syntax/unknown-list-text', 'unrecognised listing text "baz" (kept as an unknown part of the rule)', 'baz', 2],
    ]);
    assert.deepEqual(rule.matches.map((m) => [m.module, m.options.map((o) => [o.name, o.args])]), [['tcp', [['dport', ['80']]]]]);
  });

  it('"!" before an unknown word belongs to the unknown text; a final "!" alone is unknown text too', () => {
    const line = `${COLS}ACCEPT     0    --  *      *     ${ANY}! frob`;
    assert.deepEqual(one(line).d.map((x) => line.slice(x.span.start, x.span.end)), ['! frob']);
    const tail = `${COLS}ACCEPT     0    --  *      *     ${ANY}!`;
    assert.deepEqual(one(tail).d.map((x) => x.message), ['unrecognised listing text "!" (kept as an unknown part of the rule)']);
  });

  it('"!" before a match word negates it', () => {
    const { rule, d } = one(`${COLS}ACCEPT     0    --  *      *     ${ANY}! ctstate NEW`);
    assert.deepEqual(d, []);
    assert.deepEqual(rule.matches.map((m) => m.options.map((o) => [o.name, o.negated])), [[['ctstate', true]]]);
  });
});

describe('listing parser: chain headers, column headers, rule columns', () => {
  it('policy counters with K/M/G suffixes; references; builtin flags', () => {
    const rs = parseIptablesList(`Chain INPUT (policy DROP 176K packets, 12M bytes)\n${HEAD}\nChain DOCKER (3 references)\n${HEAD}\nChain ONE (1 reference)\n`, 'filter');
    assert.deepEqual(rs.diagnostics, []);
    const c = rs.tables.get('filter')?.chains;
    assert.deepEqual([c?.get('INPUT')?.policy, c?.get('INPUT')?.policyCounters, c?.get('INPUT')?.builtin, c?.get('INPUT')?.declLine], ['DROP', { packets: 176000, bytes: 12000000 }, true, 0]);
    assert.deepEqual([c?.get('DOCKER')?.references, c?.get('DOCKER')?.builtin, c?.get('DOCKER')?.declLine], [3, false, 3]);
    assert.equal(c?.get('ONE')?.references, 1);
  });

  it('-nL headers: "(policy ACCEPT)" without counters', () => {
    const rs = parseIptablesList('Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nACCEPT     all  --  0.0.0.0/0            10.0.0.1\n', 'filter');
    assert.deepEqual(rs.diagnostics, []);
    const c = rs.tables.get('filter')?.chains.get('INPUT');
    assert.equal(c?.policy, 'ACCEPT');
    assert.equal(c?.policyCounters, undefined);
    assert.equal(rs.rules[0].destination?.value, '10.0.0.1/32');
    assert.equal(rs.rules[0].protocol, undefined);
    assert.equal(rs.rules[0].counters, undefined);
  });

  it('chain header problems: each a diagnostic at its place', () => {
    const text = ['Chain', 'Chain (policy ACCEPT)', 'Chain A', 'Chain INPUT (policy REJECT 0 packets, 0 bytes)', 'Chain B (policy ACCEPT 0 packets, 0 bytes)', 'Chain C (x references)', 'Chain INPUT (2 references)', 'Chain D (policy ACCEPT 1 packet, 0 bytes)', 'Chain E (policy ACCEPT 1)', 'Chain F (frob)', 'Chain A (1 references)'].join('\n');
    const rs = parseIptablesList(text, 'filter');
    assert.deepEqual(rs.diagnostics.map(diag), [
      'error syntax/no-chain 0:0-5 chain header without a name',
      'error syntax/no-chain 1:0-21 chain header without a name',
      'warning syntax/bad-list-line 2:7-7 chain header without "(policy ...)" or "(N references)"',
      'error syntax/bad-policy 3:20-26 bad policy "REJECT"',
      'warning syntax/unknown-chain 4:6-7 B has a policy but is not a builtin chain of table filter (wrong table?)',
      'warning syntax/bad-list-line 5:8-22 unrecognised chain header "(x references)"',
      'warning syntax/chain-exists 6:6-11 chain INPUT listed twice: rules appended',
      'warning syntax/unknown-chain 6:6-11 INPUT is a builtin chain of table filter but is listed as a user chain (wrong table?)',
      'warning syntax/unknown-chain 7:6-7 D has a policy but is not a builtin chain of table filter (wrong table?)',
      'warning syntax/bad-list-line 7:8-41 unrecognised chain header "(policy ACCEPT 1 packet, 0 bytes)"',
      'warning syntax/unknown-chain 8:6-7 E has a policy but is not a builtin chain of table filter (wrong table?)',
      'warning syntax/bad-list-line 8:8-25 unrecognised chain header "(policy ACCEPT 1)"',
      'warning syntax/bad-list-line 9:8-14 unrecognised chain header "(frob)"',
      'warning syntax/chain-exists 10:6-7 chain A listed twice: rules appended',
    ]);
    const c = rs.tables.get('filter')?.chains;
    assert.equal(c?.get('INPUT')?.policy, undefined, 'a bad policy is not recorded');
    assert.equal(c?.get('C')?.references, undefined);
    assert.equal(c?.get('D')?.policyCounters, undefined);
    assert.equal(c?.get('A')?.references, 1, 'the second header of A still counts');
  });

  it('lines that are not the listing (warnings, error messages, comments) are info, not rules', () => {
    const text = `# iptables -nvL\nWarning: iptables-legacy tables present, use iptables-legacy to see them\niptables: No chain/target/match by that name.\nChain X (0 references)\n${HEAD}`;
    const rs = parseIptablesList(text, 'filter');
    assert.deepEqual(rs.diagnostics.map(diag), [
      'info syntax/bad-list-line 0:0-15 not part of the listing: # iptables -nvL',
      'info syntax/bad-list-line 1:0-72 not part of the listing: Warning: iptables-legacy tables present, use iptables-legacy to see them',
      'info syntax/bad-list-line 2:0-45 not part of the listing: iptables: No chain/target/match by that name.',
    ]);
    assert.equal(rs.rules.length, 0);
  });

  it('a rule before any chain header, and a truncated rule line: errors with the line, no rule', () => {
    const rs = parseIptablesList(`    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0\nChain X (1 references)\n${HEAD}    0     0 ACCEPT     0    --  *\n`, 'filter');
    assert.deepEqual(rs.diagnostics.map(diag), [
      'error syntax/no-chain 0:4-77 rule line before any "Chain NAME (...)" header',
      'error syntax/bad-list-line 3:4-33 truncated rule line (expected columns: pkts bytes target prot opt in out source destination)',
    ]);
    assert.equal(rs.rules.length, 0);
  });

  it('bad pkts, bytes, num and opt columns: an error on the column, the rule kept', () => {
    const bad = (text: string): string[] => parseIptablesList(text, 'filter').diagnostics.map(diag);
    assert.deepEqual(bad(`Chain X (1 references)\n${HEAD}   x1     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0\n`), ['error syntax/bad-list-line 2:3-5 "x1" is not a valid pkts column']);
    assert.deepEqual(bad(`Chain X (1 references)\n${HEAD}    1    b0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0\n`), ['error syntax/bad-list-line 2:9-11 "b0" is not a valid bytes column']);
    assert.deepEqual(bad(`Chain X (1 references)\n${HEAD}    1    1 ACCEPT     0    xx  *      *       0.0.0.0/0            0.0.0.0/0\n`), ['error syntax/bad-list-line 2:27-29 "xx" is not a valid opt column']);
    assert.deepEqual(bad('Chain X (1 references)\nnum  target     prot opt source               destination\nz    ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0\n'), ['error syntax/bad-list-line 2:0-1 "z" is not a valid num column']);
    const rs = parseIptablesList(`Chain X (1 references)\n${HEAD}    5   1K ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0\n`, 'filter');
    assert.deepEqual(rs.rules[0].counters, { packets: 5, bytes: 1000 });
  });

  it('columns: negated protocol/interfaces/addresses, !all protocol is no protocol, -f and !f, IPv6, anywhere', () => {
    const { rule, d } = one('    0     0 ACCEPT    !tcp  !f  !eth0  br+     !10.0.0.0/8  fe80::1');
    assert.deepEqual(d, []);
    assert.deepEqual(rule.protocol, { value: 'tcp', negated: true, span: { line: 2, start: 22, end: 26 } });
    assert.deepEqual(rule.fragment, { value: '', negated: true, span: { line: 2, start: 28, end: 30 } });
    assert.deepEqual([rule.inInterface?.value, rule.inInterface?.negated, rule.outInterface?.value, rule.outInterface?.negated], ['eth0', true, 'br+', false]);
    assert.deepEqual([rule.source?.value, rule.source?.negated, rule.destination?.value], ['10.0.0.0/8', true, 'fe80::1/128']);
    const all = one('    0     0 ACCEPT    !all  -f  *      *       ::/0  anywhere').rule;
    assert.equal(all.protocol, undefined);
    assert.equal(all.fragment?.negated, false);
    assert.equal(all.source, undefined);
    assert.equal(all.destination, undefined);
    assert.equal(one('    0     0 ACCEPT     17   --  *      *       0.0.0.0/0  0.0.0.0/0').rule.protocol?.value, 'udp');
    assert.equal(one('    0     0 ACCEPT     ALL   --  *      *       0.0.0.0/0  0.0.0.0/0').rule.protocol, undefined);
    assert.equal(one('    0     0 ACCEPT     250   --  *      *       0.0.0.0/0  0.0.0.0/0').rule.protocol?.value, '250');
  });

  it('an empty target column (rule without -j) is detected, also when in/out look like opt words', () => {
    const { rule, d } = one('    0     0            0    --  *      *       1.2.3.4              0.0.0.0/0');
    assert.deepEqual(d, []);
    assert.equal(rule.target, undefined);
    assert.equal(rule.source?.value, '1.2.3.4/32');
    const t = one('    0     0 ACCEPT     0    --  *      *       1.2.3.4              0.0.0.0/0').rule;
    assert.equal(t.target?.name, 'ACCEPT');
    assert.deepEqual(t.target?.span, { line: 2, start: 12, end: 18 });
  });

  it('rules get index and chain; the rule span runs from the first column to the line end', () => {
    const rs = parseIptablesList(`Chain X (1 references)\n${HEAD}    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0\n    0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0  \n`, 'filter');
    assert.deepEqual(rs.rules.map((r) => [r.chain, r.index, r.line, r.span.start, r.span.end]), [['X', 0, 2, 4, 77], ['X', 1, 3, 4, 79]]);
    assert.deepEqual(rs.tables.get('filter')?.chains.get('X')?.rules, rs.rules);
  });
});

describe('listing parser: counters', () => {
  it('parseListCounter: digits, K/M/G/T/P, nothing else', () => {
    assert.deepEqual(['0', '176', '176K', '12M', '3G', '2T', '1P'].map(parseListCounter), [0, 176, 176000, 12000000, 3e9, 2e12, 1e15]);
    assert.deepEqual(['', 'K', '1k', '1.5K', '-1', '1KK', 'x', '1'.repeat(25), '1 '].map(parseListCounter), [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    assert.equal(parseListCounter('1'.repeat(24)), Number('1'.repeat(24)));
  });
});
