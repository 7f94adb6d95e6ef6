/** Real iptables 1.8.9 outputs (nft + legacy) of one rich ruleset: -S, iptables-save -c, -nvL, -nL, -nvxL agree. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTURED, RULES_RESTORED } from './iptables-real-captures';
import { parseIptablesList, parseRules, ruleKey } from '../../src/core/iptables/parse';
import type { Rule, Ruleset, TableName } from '../../src/core/iptables/model';

const TABLES: TableName[] = ['filter', 'nat', 'mangle', 'raw'];

function cap(name: string): string {
  const t = CAPTURED[name];
  assert.ok(t !== undefined, `capture ${name} missing`);
  return t;
}

function keys(rs: Ruleset, t: TableName): [string, string | undefined, string[]][] {
  return [...(rs.tables.get(t)?.chains.values() ?? [])].map((c) => [c.name, c.policy, c.rules.map(ruleKey)]);
}

function sorted<T extends [string, ...unknown[]]>(a: T[]): T[] {
  return [...a].sort((x, y) => x[0].localeCompare(y[0]));
}

function noProblems(rs: Ruleset, what: string): void {
  assert.deepEqual(rs.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} line ${d.line}: ${d.message}`), [], what);
}

function rules(rs: Ruleset, t: TableName, chain: string): Rule[] {
  const c = rs.tables.get(t)?.chains.get(chain);
  assert.ok(c, `${t}/${chain}`);
  return c.rules;
}

describe('real iptables 1.8.9 outputs', () => {
  for (const t of TABLES) {
    it(`nft ${t}: -nvL ≡ -S (every rule, policy and chain)`, () => {
      const s = parseRules(cap(`nft.${t}.S`), { defaultTable: t });
      const l = parseIptablesList(cap(`nft.${t}.nvL`), t);
      noProblems(s, '-S');
      noProblems(l, '-nvL');
      assert.ok((s.tables.get(t)?.chains.size ?? 0) >= 2);
      assert.deepEqual(sorted(keys(l, t)), sorted(keys(s, t)));
    });
  }

  it('iptables-save -c ≡ -S for all tables; [p:b] counters read', () => {
    const save = parseRules(cap('nft.save-c'));
    noProblems(save, 'save');
    assert.deepEqual([...save.tables.keys()].sort(), [...TABLES].sort());
    for (const t of TABLES) assert.deepEqual(keys(save, t), keys(parseRules(cap(`nft.${t}.S`), { defaultTable: t }), t), t);
    assert.ok(save.rules.every((r) => r.counters?.packets === 0 && r.counters.bytes === 0));
    // and it is the ruleset that was restored
    const restored = parseRules(RULES_RESTORED);
    noProblems(restored, 'restored');
    for (const t of TABLES) {
      const want = new Map(keys(restored, t).map(([n, , k]) => [n, k]));
      for (const [n, , k] of keys(save, t)) assert.deepEqual(k.slice(0, want.get(n)?.length ?? 0), want.get(n) ?? [], `${t}/${n}`);
    }
  });

  it('-nL --line-numbers (no counters, no in/out columns) and -nvxL give the same filter rules', () => {
    const s = parseRules(cap('nft.filter.S'), { defaultTable: 'filter' });
    const nl = parseIptablesList(cap('nft.filter.nL-line-numbers'), 'filter');
    noProblems(nl, '-nL');
    // -nL has no in/out columns: compare without interfaces
    const strip = (rs: Ruleset): string[] => [...(rs.tables.get('filter')?.chains.values() ?? [])].flatMap((c) => c.rules.map((r) => `${c.name} ${ruleKey({ ...r, inInterface: undefined, outInterface: undefined })}`));
    assert.deepEqual(strip(nl).sort(), strip(s).sort());
    assert.ok(nl.rules.every((r) => r.counters === undefined));
    const x = parseIptablesList(cap('nft.filter.nvxL'), 'filter');
    noProblems(x, '-nvxL');
    assert.deepEqual(sorted(keys(x, 'filter')), sorted(keys(s, 'filter')));
  });

  it('legacy backend: -nvL (K/M counters) and -nvxL --line-numbers (exact) ≡ -S', () => {
    const s = parseRules(cap('legacy.filter.S'), { defaultTable: 'filter' });
    const l = parseIptablesList(cap('legacy.filter.nvL'), 'filter');
    const x = parseIptablesList(cap('legacy.filter.nvxL-line-numbers'), 'filter');
    noProblems(l, 'legacy -nvL');
    noProblems(x, 'legacy -nvxL');
    assert.deepEqual(sorted(keys(l, 'filter')), sorted(keys(s, 'filter')));
    assert.deepEqual(sorted(keys(x, 'filter')), sorted(keys(s, 'filter')));
    assert.deepEqual(rules(l, 'filter', 'DOCKER-USER')[2].counters, { packets: 177000, bytes: 12000000 });
    assert.deepEqual(rules(x, 'filter', 'DOCKER-USER')[2].counters, { packets: 176543, bytes: 12345678 });
  });

  it('details: empty target, goto, NOTRACK, MARK and/or/xor, SNAT range, LOG level, policy proto', () => {
    const f = parseIptablesList(cap('nft.filter.nvL'), 'filter');
    const du = rules(f, 'filter', 'DOCKER-USER');
    const noTarget = du.find((r) => r.source?.value === '1.2.3.4/32');
    assert.ok(noTarget);
    assert.equal(noTarget.target, undefined);
    const g = du.find((r) => r.target?.name === 'DOCKER-FORWARD');
    assert.equal(g?.target?.goto, true);
    const log = du.find((r) => r.target?.name === 'LOG' && r.matches.some((m) => m.module === 'comment'));
    assert.deepEqual(log?.target?.options.map((o) => [o.name, o.args]), [['log-level', ['6']], ['log-prefix', ['dock: ']]]);
    assert.deepEqual(log?.matches.map((m) => [m.module, m.options.map((o) => [o.name, o.negated, o.args])]), [
      ['tcp', [['dport', true, ['22']], ['tcp-flags', false, ['FIN,SYN,RST,ACK', 'SYN']]]],
      ['comment', [['comment', false, ['new tcp not ssh']]]],
    ]);
    const raw = parseIptablesList(cap('nft.raw.nvL'), 'raw');
    assert.equal(rules(raw, 'raw', 'OUTPUT')[0].target?.name, 'NOTRACK');
    const mangle = parseIptablesList(cap('nft.mangle.nvL'), 'mangle');
    assert.deepEqual(
      rules(mangle, 'mangle', 'PREROUTING').slice(0, 5).map((r) => r.target?.options[0]?.args[0]),
      ['0x100/0xffffffff', '0x1/0xff', '0x4/0x4', '0x0/0xfffffffe', '0x2/0x0'],
    );
    const nat = parseIptablesList(cap('nft.nat.nvL'), 'nat');
    const snat = rules(nat, 'nat', 'POSTROUTING')[3];
    assert.deepEqual(snat.target?.options.map((o) => [o.name, o.args]), [['to-source', ['10.0.0.3-10.0.0.9:1000-2000']], ['random', []], ['persistent', []]]);
    assert.equal(snat.protocol?.value, 'udp');
  });
});
