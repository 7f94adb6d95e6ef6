// The match-module registry (src/core/iptables/matches): one file per module, read by the spec table, the listing
// parser, the evaluator and hovers. The two fixtures are one chain as iptables v1.8.9 printed it in a scratch
// namespace on this machine (`iptables -S FORWARD` and `iptables -nvL FORWARD`, rules typed by hand to cover
// every module with a listing form): both must read as the same matches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIST_WORDS, MATCH_MODULES, matchModule } from '../../src/core/iptables/matches';
import { MATCH_SPECS, matchOption } from '../../src/core/iptables/spec';
import { parseDumpText } from '../../src/core/iptables/parse';
import { parseIptablesList } from '../../src/core/iptables/parseList';
import type { Rule } from '../../src/core/iptables/model';
import { hoverRule } from '../../src/core/lint/hover';

const dir = join(__dirname, '..', 'fixtures', 'trace');
const S = readFileSync(join(dir, 'matches-iptables-1.8.9.S.txt'), 'utf8');
const NVL = readFileSync(join(dir, 'matches-iptables-1.8.9.nvL.txt'), 'utf8');

function shape(r: Rule): string {
  return r.matches
    .map((m) => `${m.module}[${m.options.map((o) => `${o.negated ? '!' : ''}${o.name}=${o.args.join(' ')}`).join(' ')}]`)
    .join(' ');
}

describe('match registry', () => {
  it('the spec table is the registry: one module per name, every option known to matchOption', () => {
    assert.deepEqual(Object.keys(MATCH_SPECS).sort(), MATCH_MODULES.map((m) => m.name).sort());
    for (const m of MATCH_MODULES) for (const o of m.options) assert.equal(matchOption(m.name, o.name), o, `${m.name} --${o.name}`);
    assert.equal(new Set(MATCH_MODULES.map((m) => m.name)).size, MATCH_MODULES.length);
  });

  it('-S and -nvL of the same chain read as the same matches, module by module', () => {
    const fromS = parseDumpText(`*filter\n${S}COMMIT\n`).rules;
    const fromL = parseIptablesList(NVL, 'filter');
    assert.deepEqual(fromL.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message), []);
    assert.equal(fromL.rules.length, fromS.length);
    assert.ok(fromS.length >= 35);
    for (let i = 0; i < fromS.length; i++) assert.equal(shape(fromL.rules[i]), shape(fromS[i]), `rule ${i + 1}: ${fromS[i].text}`);
  });

  it('every module with a listing form was exercised by the fixture', () => {
    const seen = new Set(parseIptablesList(NVL, 'filter').rules.flatMap((r) => r.matches.map((m) => m.module)));
    const listed = MATCH_MODULES.filter((m) => m.list).map((m) => m.name);
    const missing = listed.filter((n) => !seen.has(n));
    // not creatable here: udplite/sctp/dccp/ah only differ by name from udp/esp; ipvs needs the kernel module
    assert.deepEqual(missing.sort(), ['ah', 'dccp', 'ipvs', 'sctp', 'udplite']);
    for (const w of ['ctstate', 'ADDRTYPE', '/*', 'match-set', 'PHYSDEV']) assert.ok(LIST_WORDS.has(w), w);
  });

  it('hovers come from the modules', () => {
    const rules = parseDumpText(`*filter\n${S}COMMIT\n`).rules;
    const h = (needle: string): string => hoverRule(rules.find((r) => r.text.includes(needle)) as Rule);
    assert.match(h('--icmp-type 3/3'), /^ICMP packets of ICMP type 3\/3 are accepted/);
    assert.match(h('te-s1 src,dst'), /whose src and dst is in ipset te-s1/);
    assert.match(h('-m connmark'), /whose connection has mark 0x2/);
    assert.match(h('--tcp-flags SYN,ACK SYN'), /with TCP flags SYN set among SYN,ACK/);
    assert.match(h('--length 0:100'), /of length 0–100 bytes/);
    assert.equal(matchModule('CONNTRACK'), matchModule('conntrack'));
  });
});
