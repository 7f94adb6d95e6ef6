/** The shared iptables parser: iptables-save / -S / command lines / -nvL, on real dumps and on malformed input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEEDS, FIXTURES, seed, fixture } from '../helpers';
import {
  DIAG,
  advanceLineState,
  assembleRuleset,
  isListing,
  lineStateKey,
  logicalLines,
  newLineState,
  parseDumpText,
  parseIptablesList,
  parseLogicalLine,
  parseRuleLine,
  parseRules,
  relocateLineResult,
  ruleKey,
} from '../../src/core/iptables/parse';
import type { LineResult } from '../../src/core/iptables/parse';
import type { Rule, RuleDiagnostic, Ruleset, TableName } from '../../src/core/iptables/model';
import { parseDump } from '../../src/core/trace/parseDump';

const LAB = join(FIXTURES, 'lab-captured');

function tableOf(file: string): TableName {
  const m = /\.(filter|nat|mangle|raw|security)\./.exec(file);
  return (m?.[1] ?? 'filter') as TableName;
}

function ruleDumps(): { name: string; text: string; table: TableName }[] {
  const out: { name: string; text: string; table: TableName }[] = [];
  for (const f of readdirSync(SEEDS).sort()) if (/\.S\.txt$|nvL|iptables-save/.test(f)) out.push({ name: `seed/${f}`, text: seed(f), table: tableOf(f) });
  for (const f of readdirSync(LAB).sort()) if (/\.S\.txt$|nvL|iptables-save/.test(f)) out.push({ name: `lab/${f}`, text: fixture(`lab-captured/${f}`), table: tableOf(f) });
  return out;
}

function chainKeys(rs: Ruleset, table: TableName): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, c] of rs.tables.get(table)?.chains ?? []) out.set(name, c.rules.map(ruleKey));
  return out;
}

function chainRules(rs: Ruleset, table: TableName, chain: string): Rule[] {
  const c = rs.tables.get(table)?.chains.get(chain);
  assert.ok(c, `chain ${table}/${chain} missing`);
  return c.rules;
}

function codes(rs: Ruleset, severity?: RuleDiagnostic['severity']): string[] {
  return rs.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);
}

/** The text a diagnostic's span points at. */
function spanText(text: string, d: RuleDiagnostic): string {
  return text.split('\n')[d.span.line].slice(d.span.start, d.span.end);
}

function opt(r: Rule, module: string, name: string): string[] | undefined {
  return r.matches.find((m) => m.module === module)?.options.find((o) => o.name === name)?.args;
}
function topt(r: Rule, name: string): string[] | undefined {
  return r.target?.options.find((o) => o.name === name)?.args;
}

describe('real dumps (seed outputs + lab-captured)', () => {
  const dumps = ruleDumps();
  it('finds the dumps', () => {
    assert.ok(dumps.length >= 25, `only ${dumps.length} dumps`);
  });
  for (const d of dumps) {
    it(`${d.name}: rules, no error or warning diagnostics`, () => {
      const rs = parseDumpText(d.text, { table: d.table });
      assert.deepEqual(rs.diagnostics.filter((x) => x.severity !== 'info'), []);
      const ruleLines = d.text.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A |^\s*\d+[KMGT]?\s+\d+[KMGT]?\s/.test(l)).length;
      assert.equal(rs.rules.length, ruleLines, 'every rule line is a rule');
      const inTables = [...rs.tables.values()].reduce((n, t) => n + [...t.chains.values()].reduce((k, c) => k + c.rules.length, 0), 0);
      assert.equal(inTables, ruleLines, 'every rule is in a chain');
    });
  }
});

describe('iptables-save', () => {
  it('lab host: tables, chains in order, policies, rules, indexes', () => {
    const rs = parseRules(fixture('lab-captured/lab3-host.iptables-save.txt'));
    assert.deepEqual([...rs.tables.keys()], ['filter', 'nat']);
    const filter = rs.tables.get('filter');
    assert.ok(filter);
    assert.deepEqual([...filter.chains.keys()], ['INPUT', 'FORWARD', 'OUTPUT', 'DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER']);
    const fwd = filter.chains.get('FORWARD');
    assert.ok(fwd);
    assert.equal(fwd.builtin, true);
    assert.equal(fwd.policy, 'DROP');
    assert.deepEqual(fwd.policyCounters, { packets: 0, bytes: 0 });
    assert.equal(fwd.declLine, 3);
    assert.equal(filter.chains.get('DOCKER')?.builtin, false);
    assert.equal(filter.chains.get('DOCKER')?.policy, undefined);
    assert.equal(fwd.rules.length, 11);
    assert.deepEqual(fwd.rules.map((r) => r.index), [...Array(11).keys()]);
    const lab = fwd.rules[1];
    assert.equal(lab.inInterface?.value, 'labbr');
    assert.equal(lab.outInterface?.value, 'labbr');
    assert.deepEqual(lab.matches.map((m) => [m.module, m.implicit, m.options.map((o) => [o.name, o.args])]), [['comment', false, [['comment', ['swarmnet-lab']]]]]);
    assert.equal(lab.target?.name, 'ACCEPT');
    const ct = fwd.rules[3];
    assert.deepEqual(opt(ct, 'conntrack', 'ctstate'), ['RELATED,ESTABLISHED']);
    assert.equal(ct.outInterface?.value, 'docker_gwbridge');
    const neg = fwd.rules[5];
    assert.equal(neg.outInterface?.negated, true);
    assert.equal(neg.inInterface?.negated, false);
    const out = chainRules(rs, 'nat', 'OUTPUT')[0];
    assert.deepEqual(out.destination, { value: '127.0.0.0/8', negated: true, span: { line: out.line, start: 15, end: 26 } });
    assert.deepEqual(opt(out, 'addrtype', 'dst-type'), ['LOCAL']);
    assert.equal(out.target?.name, 'DOCKER');
    assert.equal(out.table, 'nat');
    assert.equal(rs.rules.length, 24);
  });

  it('ingress_sbox nat: DNAT/SNAT with ports, explicit -m tcp/udp', () => {
    const rs = parseRules(fixture('lab-captured/lab3-ingress_sbox.iptables-save.txt'));
    const [tcp, udp] = chainRules(rs, 'nat', 'DOCKER_OUTPUT');
    assert.equal(tcp.protocol?.value, 'tcp');
    assert.deepEqual(tcp.matches.map((m) => [m.module, m.implicit]), [['tcp', false]]);
    assert.deepEqual(opt(tcp, 'tcp', 'dport'), ['53']);
    assert.deepEqual(topt(tcp, 'to-destination'), ['127.0.0.11:46223']);
    assert.deepEqual(opt(udp, 'udp', 'dport'), ['53']);
    const snat = chainRules(rs, 'nat', 'DOCKER_POSTROUTING')[0];
    assert.deepEqual(opt(snat, 'tcp', 'sport'), ['46223']);
    assert.deepEqual(topt(snat, 'to-source'), [':53']);
    assert.equal(snat.source?.value, '127.0.0.11/32');
  });

  it('counters [p:b], -c, missing COMMIT, unknown table, chain declared twice, undeclared chain', () => {
    const text = ['*filter', ':INPUT ACCEPT [10:2000]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':X - [0:0]', '[5:300] -A INPUT -j X', '-A INPUT -c 7 70 -j ACCEPT', '-A NOPE -j ACCEPT', ':X - [0:0]', '-A INPUT -j UNDECLARED', '*bogus', ''].join('\n');
    const rs = parseRules(text);
    const input = chainRules(rs, 'filter', 'INPUT');
    assert.deepEqual(input.map((r) => r.counters), [{ packets: 5, bytes: 300 }, { packets: 7, bytes: 70 }]);
    assert.deepEqual(rs.tables.get('filter')?.chains.get('INPUT')?.policyCounters, { packets: 10, bytes: 2000 });
    const byCode = new Map(rs.diagnostics.map((d) => [d.code, d]));
    assert.equal(spanText(text, byCode.get(DIAG.unknownChain) as RuleDiagnostic), '-A NOPE -j ACCEPT');
    assert.equal(spanText(text, byCode.get(DIAG.chainExists) as RuleDiagnostic), 'X');
    const unk = byCode.get(DIAG.unknownTable) as RuleDiagnostic;
    assert.equal(spanText(text, unk), 'bogus');
    assert.equal(unk.line, 11);
    const tgt = byCode.get(DIAG.unknownTarget) as RuleDiagnostic;
    assert.equal(spanText(text, tgt), '-j UNDECLARED');
    assert.equal(tgt.severity, 'error');
    assert.ok(!input.some((r) => r.target?.name === 'UNDECLARED'), 'rule with an unknown target is not applied');
    const t2 = parseRules('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\n');
    assert.deepEqual(codes(t2), [DIAG.unexpectedToken]);
    assert.match(t2.diagnostics[0].message, /without COMMIT/);
  });
});

describe('iptables -S and command lines', () => {
  it('-S uses the default table; -P/-N declare chains', () => {
    const rs = parseRules(seed('ipspace-ingress_sbox.nat.S.txt'), { defaultTable: 'nat' });
    assert.deepEqual([...rs.tables.keys()], ['nat']);
    const post = chainRules(rs, 'nat', 'POSTROUTING');
    assert.equal(post[1].destination?.value, '10.0.0.0/24');
    assert.deepEqual(post[1].matches.map((m) => [m.module, m.options.map((o) => o.name)]), [['ipvs', ['ipvs']]]);
    assert.deepEqual(topt(post[1], 'to-source'), ['10.0.0.2']);
    assert.equal(rs.tables.get('nat')?.chains.get('PREROUTING')?.policy, 'ACCEPT');
    assert.equal(rs.tables.get('nat')?.chains.get('DOCKER_OUTPUT')?.builtin, false);
    const mangle = parseRules(seed('ipspace-ingress_sbox.mangle.S.txt'), { defaultTable: 'mangle' });
    const pre = chainRules(mangle, 'mangle', 'PREROUTING')[0];
    assert.deepEqual(topt(pre, 'set-xmark'), ['0x100/0xffffffff']);
    const redirect = chainRules(parseRules(seed('ipspace-task-fc8de92089a5.nat.S.txt'), { defaultTable: 'nat' }), 'nat', 'PREROUTING')[0];
    assert.equal(redirect.target?.name, 'REDIRECT');
    assert.deepEqual(topt(redirect, 'to-ports'), ['80']);
  });

  it('iptables-save and -S of the same namespace give the same rules', () => {
    const save = parseRules(fixture('lab-captured/host.iptables-save.txt'));
    const f = parseRules(fixture('lab-captured/host.filter.S.txt'), { defaultTable: 'filter' });
    const n = parseRules(fixture('lab-captured/host.nat.S.txt'), { defaultTable: 'nat' });
    assert.deepEqual(chainKeys(save, 'filter'), chainKeys(f, 'filter'));
    assert.deepEqual(chainKeys(save, 'nat'), chainKeys(n, 'nat'));
  });

  const script = [
    '#!/bin/sh', // 0
    '# DOCKER-USER policy', // 1
    'iptables -I DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', // 2
    'sudo iptables -I DOCKER-USER 2 -i eth0 ! -s 10.0.0.0/8 -j DROP', // 3
    'iptables -w -t filter -A DOCKER-USER -p tcp --dport 80 -m comment --comment "allow web" -j ACCEPT', // 4
    "ip6tables -A DOCKER-USER -p udp -m udp --dport 4789 -m policy --dir in --pol none -j DROP # vxlan", // 5
    'iptables -t nat -A PREROUTING -p tcp \\', // 6
    '   --dport 8080 -j DNAT --to-destination 10.0.0.2:80', // 7
    "/usr/sbin/iptables-nft -A DOCKER-USER -m comment --comment 'it''s' -j RETURN", // 8
    'iptables -I DOCKER-USER -s 192.168.0.0/255.255.0.0 -p tcp -m multiport --dports 80,443 -j ACCEPT', // 9
    '$IPT -A FORWARD -j DOCKER-USER || true', // 10
    'echo done', // 11
    'iptables -A DOCKER-USER -m conntrack --ctorigdst 10.1.2.3 --ctorigdstport 443 -j ACCEPT', // 12
    'iptables -A DOCKER-USER -p tcp -m tcp ! --dport 22 -m set ! --match-set allow src -j DROP', // 13
    'iptables -A DOCKER-USER -p tcp --sport=1024:65535 --tcp-flags SYN,ACK SYN -j ACCEPT', // 14
  ].join('\n');

  it('command lines: sudo, -w, -t, -I position, quoting, continuations, comments, shell operators', () => {
    const rs = parseRules(script);
    assert.deepEqual(rs.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.deepEqual(rs.diagnostics.map((d) => [d.code, d.line]), [[DIAG.notIptables, 12]], 'the shell around a call (`|| true`) is not reported');
    const du = chainRules(rs, 'filter', 'DOCKER-USER');
    const lines = du.map((r) => r.line);
    // -I 1 (line 2), -I 2 (line 3), -A (4), -A (5), -A (8), -I 1 (9) → 9, 2, 3, 4, 5, 8, then the -A lines 12..14
    assert.deepEqual(lines, [9, 2, 3, 4, 5, 8, 12, 13, 14]);
    assert.deepEqual(du.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const [mp, ct, drop, web, vx, quoted, orig, set, flags] = du;
    assert.equal(mp.source?.value, '192.168.0.0/255.255.0.0');
    assert.deepEqual(opt(mp, 'multiport', 'dports'), ['80,443']);
    assert.deepEqual(opt(ct, 'conntrack', 'ctstate'), ['RELATED,ESTABLISHED']);
    assert.equal(ct.op, 'I');
    assert.equal(drop.position, 2);
    assert.deepEqual(drop.source, { value: '10.0.0.0/8', negated: true, span: { line: 3, start: 44, end: 54 } });
    assert.deepEqual(web.matches.map((m) => [m.module, m.implicit, m.options.map((o) => [o.name, o.args])]), [['tcp', true, [['dport', ['80']]]], ['comment', false, [['comment', ['allow web']]]]]);
    assert.deepEqual(opt(vx, 'policy', 'dir'), ['in']);
    assert.deepEqual(opt(vx, 'policy', 'pol'), ['none']);
    assert.deepEqual(opt(quoted, 'comment', 'comment'), ['its']);
    assert.deepEqual(opt(orig, 'conntrack', 'ctorigdst'), ['10.1.2.3']);
    assert.deepEqual(opt(orig, 'conntrack', 'ctorigdstport'), ['443']);
    const dport = set.matches[0].options[0];
    assert.deepEqual([dport.name, dport.negated, dport.args], ['dport', true, ['22']]);
    assert.deepEqual(set.matches[1].options[0], { name: 'match-set', negated: true, args: ['allow', 'src'], span: { line: 13, start: 60, end: 81 } });
    assert.deepEqual(opt(flags, 'tcp', 'sport'), ['1024:65535']);
    assert.deepEqual(opt(flags, 'tcp', 'tcp-flags'), ['SYN,ACK', 'SYN']);
    // continuation: the rule is one logical line starting at line 6; --to-destination's span is on line 7
    const dnat = chainRules(rs, 'nat', 'PREROUTING')[0];
    assert.equal(dnat.line, 6);
    assert.deepEqual(topt(dnat, 'to-destination'), ['10.0.0.2:80']);
    assert.deepEqual(dnat.target?.options[0].span, { line: 7, start: 24, end: 52 });
    assert.deepEqual(opt(dnat, 'tcp', 'dport'), ['8080']);
    assert.equal(chainRules(rs, 'filter', 'FORWARD')[0].target?.name, 'DOCKER-USER');
    assert.equal(rs.rules.length, 11);
  });

  it('-D by number and by spec, -R, -F, -X, -N, -E, -P', () => {
    const text = [
      '-P FORWARD DROP',
      '-N A',
      '-A A -s 1.1.1.1/32 -j DROP',
      '-A A -s 2.2.2.2/32 -j DROP',
      '-A A -s 3.3.3.3/32 -j DROP',
      '-D A 1',
      '-D A -s 3.3.3.3/32 -j DROP',
      '-R A 1 -s 4.4.4.4/32 -j ACCEPT',
      '-N B',
      '-A B -j RETURN',
      '-F B',
      '-X B',
      '-N C',
      '-E C D',
      '-A FORWARD -j D',
      '-A FORWARD -j A',
      '-D A -s 9.9.9.9/32 -j DROP',
    ].join('\n');
    const rs = parseRules(text);
    const f = rs.tables.get('filter');
    assert.ok(f);
    assert.deepEqual([...f.chains.keys()], ['FORWARD', 'A', 'D']);
    assert.equal(f.chains.get('FORWARD')?.policy, 'DROP');
    assert.deepEqual(chainRules(rs, 'filter', 'A').map((r) => [r.source?.value, r.target?.name, r.op]), [['4.4.4.4/32', 'ACCEPT', 'R']]);
    assert.deepEqual(rs.diagnostics.map((d) => [d.code, d.line]), [[DIAG.ruleNotFound, 17]]);
    assert.equal(rs.rules.length, 10);
    assert.deepEqual(rs.rules.map((r) => r.op).join(''), 'AAADDRAAAD');
  });

  it('ruleKey ignores spellings that mean the same rule', () => {
    const a = parseRuleLine('-A X -s 10.0.0.1 -p 6 -m tcp --destination-port 80 -j ACCEPT', 0, newLineState()).rule;
    const b = parseRuleLine('-A X -p tcp -s 10.0.0.1/32 -m tcp --dport 80 -j ACCEPT', 0, newLineState()).rule;
    assert.ok(a && b);
    assert.equal(ruleKey(a), ruleKey(b));
    const c = parseRuleLine('-A X -p tcp -s 10.0.0.1/32 -m tcp --dport 81 -j ACCEPT', 0, newLineState()).rule;
    assert.ok(c);
    assert.notEqual(ruleKey(a), ruleKey(c));
  });
});

describe('malformed lines: codes and exact spans', () => {
  const cases: [string, string, string][] = [
    ['-A DOCKER-USER -p tcp --dport 99999 -j ACCEPT', DIAG.badPort, '99999'],
    ['-A DOCKER-USER -p tcp --dport 80:20 -j ACCEPT', DIAG.badPort, '80:20'],
    ['-A DOCKER-USER -p tcp -m multiport --dports 80,,443 -j ACCEPT', DIAG.badPort, '80,,443'],
    ['-A DOCKER-USER -s 10.0.0.300/24 -j ACCEPT', DIAG.badAddress, '10.0.0.300/24'],
    ['-A DOCKER-USER -d 10.0.0.0/33 -j ACCEPT', DIAG.badAddress, '10.0.0.0/33'],
    ['-A DOCKER-USER -m conntrack --ctorigdst 1.2.3.400 -j ACCEPT', DIAG.badAddress, '1.2.3.400'], // 1.2.3 is accepted by iptables 1.8.9 (as 1.2.0.3)
    ['-A DOCKER-USER -p udp -m tcp --dport 80 -j ACCEPT', DIAG.protocolMismatch, '-m tcp'],
    ['-A DOCKER-USER -m multiport --dports 80,443 -j ACCEPT', DIAG.protocolMismatch, '-m multiport'],
    ['-A DOCKER-USER --dport 80 -j ACCEPT', DIAG.unknownOption, '--dport'],
    ['-A DOCKER-USER -p tcp --bogus 1 -j ACCEPT', DIAG.unknownOption, '--bogus'],
    ['-A DOCKER-USER -j DROP --reject-with tcp-reset', DIAG.unknownOption, '--reject-with'],
    ['-A DOCKER-USER -m foo --bar 1 -j ACCEPT', DIAG.unknownModule, 'foo'],
    ['-A DOCKER-USER -p tcp --dport', DIAG.missingArgument, '--dport'],
    ['-A DOCKER-USER -s -j ACCEPT', DIAG.missingArgument, '-s'],
    ['-A DOCKER-USER -m conntrack --ctstate NEWISH -j ACCEPT', DIAG.badValue, 'NEWISH'],
    ['-A DOCKER-USER -m mark --mark zz -j ACCEPT', DIAG.badValue, 'zz'],
    ['-A DOCKER-USER -j accept', DIAG.unknownTarget, '-j accept'],
    ['-A DOCKER-USER -p tcp -j ACCEPT -j DROP', DIAG.multipleTargets, '-j'],
    ['-p tcp -j ACCEPT', DIAG.noChain, '-p'],
    ['-A', DIAG.noChain, '-A'],
    ['-A DOCKER-USER -p bogus -j ACCEPT', DIAG.unknownProtocol, 'bogus'],
    ['-A DOCKER-USER -i abcdefghijklmnopq -j ACCEPT', DIAG.badInterface, 'abcdefghijklmnopq'],
    ['-A DOCKER-USER -j MARK', DIAG.missingTargetOption, '-j MARK'],
    ['-A DOCKER-USER -m comment --comment "open -j ACCEPT', DIAG.unterminatedQuote, '"open -j ACCEPT'],
    ['-A DOCKER-USER -j ACCEPT extra', DIAG.unexpectedToken, 'extra'],
    ['-P DOCKER-USER DROP', DIAG.badPolicy, 'DOCKER-USER'],
    ['-P FORWARD REJECT', DIAG.badPolicy, 'REJECT'],
    ['iptables -t natt -A X -j ACCEPT', DIAG.unknownTable, 'natt'],
    ['iptables -I DOCKER-USER x -j ACCEPT', DIAG.unexpectedToken, 'x'],
    ['iptables -p tcp -j ACCEPT', DIAG.noCommand, 'iptables'],
    ['iptables -A X -j DNAT --to-destination 10.0.0.1', DIAG.unknownTarget, '-j DNAT'],
    ['iptables -t nat -A PREROUTING -j DNAT --to-destination 10.0.0.1:80', DIAG.protocolMismatch, '--to-destination 10.0.0.1:80'],
    ['iptables -A A -A B -j ACCEPT', DIAG.multipleCommands, '-A'],
    ['-A THIS-CHAIN-NAME-IS-MUCH-TOO-LONG-FOR-IPT -j ACCEPT', DIAG.badChainName, 'THIS-CHAIN-NAME-IS-MUCH-TOO-LONG-FOR-IPT'],
  ];
  for (const [line, code, span] of cases) {
    it(`${code}: ${line}`, () => {
      const text = `# a comment line first\n${line}`;
      const rs = parseRules(text);
      const d = rs.diagnostics.find((x) => x.code === code);
      assert.ok(d, `no ${code} in ${JSON.stringify(rs.diagnostics.map((x) => [x.code, x.message]))}`);
      assert.equal(d.line, 2);
      assert.equal(d.span.line, 1);
      assert.equal(spanText(text, d), span);
      assert.ok(d.message.length > 0);
      assert.equal(rs.rules.filter((r) => r.line === 1).length, /^-[AIDRp]|^iptables .*-[AIDRp] /.test(line) ? 1 : 0, 'the rule line is still in Ruleset.rules');
    });
  }

  it('invalid rules are listed but not applied; valid ones around them are', () => {
    const rs = parseRules('-A X -j ACCEPT\n-A X -p tcp --dport 99999 -j ACCEPT\n-A X -j DROP\n');
    assert.equal(rs.rules.length, 3);
    assert.deepEqual(chainRules(rs, 'filter', 'X').map((r) => [r.target?.name, r.index]), [['ACCEPT', 0], ['DROP', 1]]);
  });

  it('user chains: undeclared UPPERCASE jumps are fine in scripts, lowercase undeclared is a warning', () => {
    const rs = parseRules('iptables -A FORWARD -j DOCKER-USER\niptables -A FORWARD -j f2b-sshd\niptables -N ufw-in\niptables -A INPUT -j ufw-in\n');
    assert.deepEqual(rs.diagnostics.map((d) => [d.severity, d.code, d.line]), [['warning', DIAG.unknownTarget, 2]]);
    assert.equal(chainRules(rs, 'filter', 'FORWARD').length, 2);
  });
});

describe('iptables -nvL listings', () => {
  it('neuvector host DOCKER-INGRESS: DNAT to:, K/M counters, references', () => {
    const rs = parseIptablesList(seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt'), 'nat');
    const c = rs.tables.get('nat')?.chains.get('DOCKER-INGRESS');
    assert.ok(c);
    assert.equal(c.references, 2);
    assert.equal(c.builtin, false);
    const [dnat, ret] = c.rules;
    assert.equal(dnat.protocol?.value, 'tcp');
    assert.equal(dnat.source, undefined);
    assert.equal(dnat.inInterface, undefined);
    assert.deepEqual(opt(dnat, 'tcp', 'dport'), ['1080']);
    assert.equal(dnat.matches[0].implicit, false);
    assert.deepEqual(topt(dnat, 'to-destination'), ['172.18.0.2:1080']);
    assert.deepEqual(ret.counters, { packets: 176000, bytes: 11000000 });
    assert.equal(ret.target?.name, 'RETURN');
    assert.equal(ret.protocol, undefined);
  });

  it('neuvector ingress_sbox: REDIRECT redir ports, SNAT ipvs to:, MARK set, policy counters', () => {
    const nat = parseIptablesList(seed('neuvector-ingress_sbox.nat.nvL.txt'), 'nat');
    const pre = nat.tables.get('nat')?.chains.get('PREROUTING');
    assert.equal(pre?.policy, 'ACCEPT');
    assert.deepEqual(pre?.policyCounters, { packets: 0, bytes: 0 });
    const redir = chainRules(nat, 'nat', 'PREROUTING')[0];
    assert.deepEqual(topt(redir, 'to-ports'), ['80']);
    assert.deepEqual(redir.counters, { packets: 9, bytes: 576 });
    const [dp, snat] = chainRules(nat, 'nat', 'POSTROUTING');
    assert.equal(dp.target?.name, 'DOCKER_POSTROUTING');
    assert.equal(dp.destination?.value, '127.0.0.11/32');
    assert.deepEqual(snat.matches.map((m) => [m.module, m.options.map((o) => o.name)]), [['ipvs', ['ipvs']]]);
    assert.deepEqual(topt(snat, 'to-source'), ['10.255.0.3']);
    assert.equal(snat.destination?.value, '10.255.0.0/16');
    const mangle = parseIptablesList(seed('neuvector-ingress_sbox.mangle.nvL.txt'), 'mangle');
    assert.deepEqual(mangle.tables.get('mangle')?.chains.get('PREROUTING')?.policyCounters, { packets: 144, bytes: 12119 });
    const [mark] = chainRules(mangle, 'mangle', 'PREROUTING');
    assert.deepEqual(topt(mark, 'set-xmark'), ['0x12c/0xffffffff']);
    assert.deepEqual(opt(mark, 'tcp', 'dport'), ['1080']);
    assert.equal(chainRules(mangle, 'mangle', 'OUTPUT')[0].destination?.value, '10.255.0.2/32');
  });

  it('-S and -nvL of the same namespace give equivalent rules (lab pairs)', () => {
    const pairs: [string, string, TableName][] = [
      ['host.filter.S.txt', 'host.filter.nvL.txt', 'filter'],
      ['host.nat.S.txt', 'host.nat.nvL.txt', 'nat'],
      ['lab3-ingress_sbox.nat.S.txt', 'lab3-ingress_sbox.nat.nvL.txt', 'nat'],
    ];
    for (const [s, l, t] of pairs) {
      const a = parseRules(fixture(`lab-captured/${s}`), { defaultTable: t });
      const b = parseIptablesList(fixture(`lab-captured/${l}`), t);
      assert.deepEqual(chainKeys(b, t), chainKeys(a, t), `${s} vs ${l}`);
      for (const [name, c] of a.tables.get(t)?.chains ?? []) assert.equal(b.tables.get(t)?.chains.get(name)?.policy, c.policy, `${name} policy`);
    }
    // iptables-save vs -nvL of lab3 host, both tables
    const save = parseRules(fixture('lab-captured/lab3-host.iptables-save.txt'));
    assert.deepEqual(chainKeys(parseIptablesList(fixture('lab-captured/lab3-host.filter.nvL.txt'), 'filter'), 'filter'), chainKeys(save, 'filter'));
    assert.deepEqual(chainKeys(parseIptablesList(fixture('lab-captured/lab3-host.nat.nvL.txt'), 'nat'), 'nat'), chainKeys(save, 'nat'));
    // iptables-save -c, -nvL --line-numbers, -nvL -x captured together (later: the lab rule had moved)
    const saveC = parseRules(fixture('lab-captured/lab3-host.iptables-save-c.txt'));
    assert.ok(saveC.rules.every((r) => r.counters !== undefined));
    const lines = parseIptablesList(fixture('lab-captured/lab3-host.filter.nvL.line-numbers.txt'), 'filter');
    assert.deepEqual(chainKeys(lines, 'filter'), chainKeys(saveC, 'filter'));
    const exact = parseIptablesList(fixture('lab-captured/lab3-host.nat.nvL.exact.txt'), 'nat');
    assert.deepEqual(chainKeys(exact, 'nat'), chainKeys(saveC, 'nat'));
    const sortedKeys = (rs: Ruleset, t: TableName): string[] => [...(rs.tables.get(t)?.chains.values() ?? [])].flatMap((c) => c.rules.map((r) => `${c.name} ${ruleKey(r)}`)).sort();
    assert.deepEqual(sortedKeys(saveC, 'filter'), sortedKeys(save, 'filter'));
  });

  // Each listing line next to the -S line that iptables prints for the same kernel rule.
  const equivalent: [string, string, TableName?][] = [
    ['-A X -p tcp -m tcp --sport 1024 -j ACCEPT', '0 0 ACCEPT tcp -- * * 0.0.0.0/0 0.0.0.0/0 tcp spt:1024'],
    ['-A X -p tcp -m tcp --dport 1000:2000 -j ACCEPT', '0 0 ACCEPT tcp -- * * 0.0.0.0/0 0.0.0.0/0 tcp dpts:1000:2000'],
    ['-A X -p tcp -m tcp ! --dport 22 -j ACCEPT', '0 0 ACCEPT tcp -- * * 0.0.0.0/0 0.0.0.0/0 tcp dpt:!22'],
    ['-A X -p udp -m udp --dport 4789 -m policy --dir in --pol none -j DROP', '0 0 DROP udp -- * * 0.0.0.0/0 0.0.0.0/0 udp dpt:4789 policy match dir in pol none'],
    ['-A X -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT', '0 0 ACCEPT tcp -- * * 0.0.0.0/0 0.0.0.0/0 tcp flags:0x17/0x02'],
    ['-A X -p esp -j ACCEPT', '0 0 ACCEPT esp -- * * 0.0.0.0/0 0.0.0.0/0'],
    ['-A X -p icmp -m icmp --icmp-type 8 -j ACCEPT', '0 0 ACCEPT icmp -- * * 0.0.0.0/0 0.0.0.0/0 icmptype 8'],
    ['-A X -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', '0 0 RETURN 0 -- * * 0.0.0.0/0 0.0.0.0/0 ctstate RELATED,ESTABLISHED'],
    ['-A X -m conntrack --ctorigdst 10.0.0.1/32 --ctorigdstport 80 -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ctorigdst 10.0.0.1 ctorigdstport 80'],
    ['-A X -m conntrack ! --ctstate NEW -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ! ctstate NEW'],
    ['-A X -m state --state NEW -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 state NEW'],
    ['-A X -m addrtype --src-type LOCAL --limit-iface-in -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ADDRTYPE match src-type LOCAL limit-in'],
    ['-A X -p tcp -m multiport --dports 80,443 -j ACCEPT', '0 0 ACCEPT tcp -- * * 0.0.0.0/0 0.0.0.0/0 multiport dports 80,443'],
    ['-A X -i eth0 -m comment --comment "allow the web" -j ACCEPT', '0 0 ACCEPT all -- eth0 * 0.0.0.0/0 0.0.0.0/0 /* allow the web */'],
    ['-A X -m mark --mark 0x100 -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 mark match 0x100'],
    ['-A X -m mark ! --mark 0x1/0xff -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 mark match ! 0x1/0xff'],
    ['-A X -m set --match-set docker-ext-bridges-v4 dst -j DOCKER', '0 0 DOCKER all -- * * 0.0.0.0/0 0.0.0.0/0 match-set docker-ext-bridges-v4 dst'],
    ['-A X -m set ! --match-set allow src,dst -j DROP', '0 0 DROP all -- * * 0.0.0.0/0 0.0.0.0/0 ! match-set allow src,dst'],
    ['-A X -j REJECT --reject-with icmp-port-unreachable', '0 0 REJECT all -- * * 0.0.0.0/0 0.0.0.0/0 reject-with icmp-port-unreachable'],
    ['-A X -m physdev --physdev-is-bridged -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 PHYSDEV match --physdev-is-bridged'],
    ['-A X -m physdev --physdev-in veth1 ! --physdev-is-out -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 PHYSDEV match --physdev-in veth1 ! --physdev-is-out'],
    ['-A X -s 10.0.0.0/24 ! -d 10.0.0.5/32 ! -i docker0 -o eth0 -j ACCEPT', '0 0 ACCEPT all -- !docker0 eth0 10.0.0.0/24 !10.0.0.5'],
    ['-A X ! -p tcp -j ACCEPT', '0 0 ACCEPT !tcp -- * * 0.0.0.0/0 0.0.0.0/0'],
    ['-A X -f -j DROP', '0 0 DROP all -f * * 0.0.0.0/0 0.0.0.0/0'],
    ['-A X -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 source IP range 10.0.0.1-10.0.0.9'],
    ['-A X -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT', '0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 MAC 00:11:22:33:44:55'],
    ['-A X -m limit --limit 3/hour -j LOG --log-prefix "dropped: "', '0 0 LOG all -- * * 0.0.0.0/0 0.0.0.0/0 limit: avg 3/hour burst 5 LOG flags 0 level 4 prefix "dropped: "'],
    ['-A X -j MARK --set-xmark 0x1/0xff', '0 0 MARK all -- * * 0.0.0.0/0 0.0.0.0/0 MARK xset 0x1/0xff', 'mangle'],
    ['-A X -j MARK --set-xmark 0x4/0x4', '0 0 MARK all -- * * 0.0.0.0/0 0.0.0.0/0 MARK or 0x4', 'mangle'],
    ['-A X -j MARK --set-xmark 0x0/0xfffffffe', '0 0 MARK all -- * * 0.0.0.0/0 0.0.0.0/0 MARK and 0x1', 'mangle'],
    ['-A X -j CONNMARK --save-mark', '0 0 CONNMARK all -- * * 0.0.0.0/0 0.0.0.0/0 CONNMARK save', 'mangle'],
    ['-A POSTROUTING -s 10.0.0.0/24 -j SNAT --to-source 10.0.0.3', '0 0 SNAT all -- * * 10.0.0.0/24 0.0.0.0/0 to:10.0.0.3', 'nat'],
    ['-A POSTROUTING -s 10.0.0.0/24 -j MASQUERADE --random-fully', '0 0 MASQUERADE all -- * * 10.0.0.0/24 0.0.0.0/0 random-fully', 'nat'],
    ['-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-65535', '0 0 MASQUERADE tcp -- * * 0.0.0.0/0 0.0.0.0/0 masq ports: 1024-65535', 'nat'],
    ['-A POSTROUTING -m ipvs --vaddr 10.0.0.2/32 --vport 80 -j SNAT --to-source 10.0.0.9', '0 0 SNAT all -- * * 0.0.0.0/0 0.0.0.0/0 vaddr 10.0.0.2 vport 80 to:10.0.0.9', 'nat'],
    ['-A X -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', '0 0 TCPMSS tcp -- * * 0.0.0.0/0 0.0.0.0/0 tcp flags:0x06/0x02 TCPMSS clamp to PMTU', 'mangle'],
    ['-A PREROUTING -j CT --notrack', '0 0 CT all -- * * 0.0.0.0/0 0.0.0.0/0 CT notrack', 'raw'],
    ['-A X -g Y', '0 0 Y all -- * * 0.0.0.0/0 0.0.0.0/0 [goto]'],
    ['-A X -s 1.2.3.4/32', '0 0 all -- * * 1.2.3.4 0.0.0.0/0'],
  ];
  for (const [s, l, table = 'filter'] of equivalent) {
    it(`${l.slice(l.indexOf('0.0.0.0'), 200) || l}  ≡  ${s}`, () => {
      const a = parseRules(s.startsWith('-A X') ? `-N X\n-N Y\n${s}` : s, { defaultTable: table });
      const chain = /^-A (\S+)/.exec(s)?.[1] ?? 'X';
      const b = parseIptablesList(`Chain ${chain} (1 references)\n pkts bytes target     prot opt in     out     source               destination\n${l}\n`, table);
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(b.diagnostics.filter((d) => d.severity !== 'info' && d.code !== DIAG.unknownChain), []);
      assert.deepEqual(chainRules(b, table, chain).map(ruleKey), chainRules(a, table, chain).map(ruleKey));
    });
  }

  it('-nL (no counters), --line-numbers, -x, empty target, unknown text → warning and still a rule', () => {
    const nl = parseIptablesList(['Chain INPUT (policy ACCEPT)', 'target     prot opt source               destination', 'ACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:22', ''].join('\n'), 'filter');
    assert.deepEqual(nl.diagnostics, []);
    const r0 = chainRules(nl, 'filter', 'INPUT')[0];
    assert.equal(r0.counters, undefined);
    assert.deepEqual(opt(r0, 'tcp', 'dport'), ['22']);
    assert.equal(nl.tables.get('filter')?.chains.get('INPUT')?.policy, 'ACCEPT');
    const text = [
      'Chain FORWARD (policy DROP 1234567 packets, 987654321 bytes)',
      'num      pkts      bytes target     prot opt in     out     source               destination',
      '1     1234567  987654321 DOCKER-USER  all  --  *      *       0.0.0.0/0            0.0.0.0/0',
      '2           0          0            all  --  eth0   *       10.0.0.1             0.0.0.0/0',
      '3           5        300 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            frobnicate 42 /* ok */',
      '4           1',
    ].join('\n');
    const rs = parseIptablesList(text, 'filter');
    const fwd = rs.tables.get('filter')?.chains.get('FORWARD');
    assert.deepEqual(fwd?.policyCounters, { packets: 1234567, bytes: 987654321 });
    const [a, b, c] = chainRules(rs, 'filter', 'FORWARD');
    assert.deepEqual(a.counters, { packets: 1234567, bytes: 987654321 });
    assert.equal(b.target, undefined);
    assert.equal(b.inInterface?.value, 'eth0');
    assert.equal(b.source?.value, '10.0.0.1/32');
    assert.deepEqual(opt(c, 'comment', 'comment'), ['ok']);
    assert.deepEqual(rs.diagnostics.map((d) => [d.severity, d.code, d.line, spanText(text, d)]), [
      ['warning', DIAG.unknownListText, 5, 'frobnicate 42'],
      ['error', DIAG.badListLine, 6, '4           1'],
    ]);
    assert.equal(rs.rules.length, 3);
  });

  it('rules before any chain header, wrong table, G/T suffixes', () => {
    const rs = parseIptablesList('    0     0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0\nChain PREROUTING (policy ACCEPT 2G packets, 3T bytes)\n', 'filter');
    assert.deepEqual(codes(rs), [DIAG.noChain, DIAG.unknownChain]);
    assert.deepEqual(rs.tables.get('filter')?.chains.get('PREROUTING')?.policyCounters, { packets: 2e9, bytes: 3e12 });
  });
});

describe('per-line API (linter cache) and parseDump', () => {
  it('cached per-line results give the same ruleset as a full parse', () => {
    const text = fixture('lab-captured/lab3-host.iptables-save.txt');
    const full = parseRules(text);
    const cache = new Map<string, LineResult>();
    const state = newLineState('filter');
    const results: LineResult[] = [];
    for (const ll of logicalLines(text)) {
      const key = `${lineStateKey(state)}\n${ll.text}`;
      const hit = cache.get(key);
      if (hit) {
        advanceLineState(ll.text, state);
        results.push(relocateLineResult(hit, ll.line));
      } else {
        const r = parseLogicalLine(ll, state);
        cache.set(key, r);
        results.push(r);
      }
    }
    const again = assembleRuleset(results);
    assert.deepEqual(chainKeys(again, 'filter'), chainKeys(full, 'filter'));
    assert.deepEqual(chainKeys(again, 'nat'), chainKeys(full, 'nat'));
    assert.ok(cache.size < results.length, 'some lines were cache hits');
    const moved = relocateLineResult(parseRuleLine('-A X -p tcp --dport 99999 -j ACCEPT', 3, newLineState()), 10);
    assert.equal(moved.diagnostics[0].span.line, 10);
    assert.equal(moved.diagnostics[0].line, 11);
    assert.equal(moved.rule?.line, 10);
  });

  it('advanceLineState changes the state exactly as parsing does', () => {
    const lines = ['*nat', 'COMMIT', '*filter x', 'COMMIT # done', 'COMMIT x', '*bogus', '*"nat"', 'COMMITTED', '  *mangle', '-A X -j ACCEPT', 'Chain X', '*', ''];
    for (const first of ['', '*raw']) {
      for (const l of lines) {
        const a = newLineState('nat');
        const b = newLineState('nat');
        if (first) {
          parseRuleLine(first, 0, a);
          parseRuleLine(first, 0, b);
        }
        parseRuleLine(l, 1, a);
        advanceLineState(l, b);
        assert.equal(lineStateKey(b), lineStateKey(a), `${first} then ${JSON.stringify(l)}`);
      }
    }
  });

  it('IPv6 listings and rules', () => {
    const s = parseRules('-N DOCKER-USER\n-A DOCKER-USER -s 2001:db8::/32 -p tcp -m tcp --dport 80 -j ACCEPT\n-A DOCKER-USER -d 2001:db8::1/128 -i eth0 -j DROP\n');
    const l = parseIptablesList(
      'Chain DOCKER-USER (0 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     6    --  *      *       2001:db8::/32        ::/0                 tcp dpt:80\n    0     0 DROP       0    --  eth0   *       ::/0                 2001:db8::1\n',
      'filter',
    );
    assert.deepEqual(l.diagnostics, []);
    assert.deepEqual(chainKeys(l, 'filter'), chainKeys(s, 'filter'));
  });

  it('parseDump dispatches on the format', () => {
    assert.equal(isListing(seed('neuvector-ingress_sbox.nat.nvL.txt')), true);
    assert.equal(isListing(seed('ipspace-ingress_sbox.nat.S.txt')), false);
    assert.equal(isListing(`# Warning: iptables-legacy tables present, use iptables-legacy to see them\n${seed('neuvector-ingress_sbox.nat.nvL.txt')}`), true);
    const a = parseDump({ text: seed('neuvector-ingress_sbox.nat.nvL.txt'), source: 'x', table: 'nat' });
    assert.equal(chainRules(a, 'nat', 'POSTROUTING').length, 2);
    const b = parseDump({ text: seed('ipspace-ingress_sbox.nat.S.txt'), source: 'y', table: 'nat' });
    assert.equal(chainRules(b, 'nat', 'DOCKER_OUTPUT').length, 2);
    const c = parseDump({ text: fixture('lab-captured/host.iptables-save.txt'), source: 'z' });
    assert.deepEqual([...c.tables.keys()], ['filter', 'nat']);
  });
});

it('iptables-save: built-in chains need no `:CHAIN` line, user chains do (as iptables-restore 1.8.9 nft and legacy decide)', () => {
  const ok = parseRules('*filter\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n');
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(ok.tables.get('filter')?.chains.get('FORWARD')?.builtin, true);
  const bad = parseRules('*filter\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n');
  assert.deepEqual(bad.diagnostics.filter((d) => d.code === 'syntax/unknown-chain').map((d) => d.span.line), [2]);
});
