/**
 * The rule-argument parser (ruleArgs.ts, ruleOptions.ts) on what the mutation run of parse-args found untested,
 * judged against the kernel like test/unit/mut-parse-commands.test.ts: each KERNEL case was run as
 * `iptables <case>` with iptables v1.8.9 (nf_tables) in a throw-away network namespace (`unshare -n`, chain X
 * created and one rule in INPUT first) on 2026-12-06, protocol names resolved through this machine's
 * /etc/protocols (Debian netbase, as on the Debian/Ubuntu nodes Docker Swarm usually runs on). "ok" = iptables
 * accepted it, "refused" = it exited with an error (its message quoted). Our parse of the same command line must
 * give an error exactly when iptables refused it, with the code given.
 * Known disagreements, left as they are (iptables is more lenient than it says; nobody writes these): `-c 1x 2`
 * and `-w 5x` (iptables reads the leading digits), `-i .` / `-i ..` (iptables accepts them; no interface can have
 * those names, we say so), `-W 100` without `-w` (iptables: "--wait-interval only makes sense with --wait"), an
 * empty `-m policy` element (`--next --next`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newLineState, parseRuleLine, parseRules } from '../../src/core/iptables/parse';
import type { Ruleset } from '../../src/core/iptables/model';

type Case = [args: string, verdict: 'ok' | 'refused', code?: string, iptablesSaid?: string];

const PROTOCOLS = ['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'all', 'gre', 'ipip', 'ipencap', 'igmp', 'ospf', 'vrrp', 'pim', 'dccp', 'l2tp', 'ipv6', 'ipv6-route', 'ipv6-frag', 'ipv6-nonxt', 'ipv6-opts', 'egp', 'rsvp', 'ip', 'hopopt', 'ipcomp', 'GRE', 'Esp', '112', '4'];

const KERNEL: Case[] = [
  // -p: every name iptables knows (its own list: tcp udp udplite icmp icmpv6 esp ah sctp mh all; the rest from /etc/protocols)
  ...PROTOCOLS.map((p): Case => [`-A INPUT -p ${p} -j ACCEPT`, 'ok']),
  // BSD names that Linux's /etc/protocols (netbase) does not have
  ['-A INPUT -p carp -j ACCEPT', 'refused', 'syntax/unknown-protocol', 'unknown protocol "carp" specified'],
  ['-A INPUT -p pfsync -j ACCEPT', 'refused', 'syntax/unknown-protocol', 'unknown protocol "pfsync" specified'],
  ['-A INPUT -p ospfigp -j ACCEPT', 'refused', 'syntax/unknown-protocol', 'unknown protocol "ospfigp" specified'],
  ['-A INPUT -p 6x -j ACCEPT', 'refused', 'syntax/unknown-protocol', 'unknown protocol "6x" specified'],
  ['-A INPUT -p x6 -j ACCEPT', 'refused', 'syntax/unknown-protocol', 'unknown protocol "x6" specified'],
  // -m policy: an element's options repeat only in the next element (after --next, which needs --strict)
  ['-A INPUT -m policy --dir in --pol ipsec --strict --proto esp --next --proto ah -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --reqid 1 --next --reqid 2 -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --spi 1 --next --spi 2 -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --mode tunnel --next --mode transport -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-src 1.2.3.4 --tunnel-dst 5.6.7.8 --next --mode tunnel --tunnel-src 1.2.3.5 --tunnel-dst 5.6.7.9 -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --proto esp --next --proto ah --next --proto esp -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --proto esp --next --reqid 1 --proto ah -j ACCEPT', 'ok'],
  ['-A INPUT -m policy --dir in --pol ipsec --proto esp --proto ah -j ACCEPT', 'refused', 'syntax/multiple-targets', 'policy match: double --proto option'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --proto esp --next --reqid 1 --reqid 2 -j ACCEPT', 'refused', 'syntax/multiple-targets', 'policy match: double --reqid option'],
  ['-A INPUT -m policy --dir in --dir out --pol ipsec -j ACCEPT', 'refused', 'syntax/multiple-targets', 'policy: option "--dir" can only be used once.'],
  ['-A INPUT -m policy --dir in --pol ipsec --pol none -j ACCEPT', 'refused', 'syntax/multiple-targets', 'policy: option "--pol" can only be used once.'],
  ['-A INPUT -m policy --dir in --pol ipsec --strict --strict --proto esp -j ACCEPT', 'refused', 'syntax/multiple-targets', 'policy: option "--strict" can only be used once.'],
  // other modules' options named like policy's (--mode) are not repeatable
  ['-A INPUT -m statistic --mode random --probability 0.5 --mode nth -j ACCEPT', 'refused', 'syntax/multiple-targets', 'statistic: option "--mode" can only be used once.'],
  ['-A INPUT -m statistic --mode random --probability 0.5 -j ACCEPT', 'ok'],
  // an option the -p protocol's match does not have
  ['-A INPUT -p tcp --foo 1 -j ACCEPT', 'refused', 'syntax/unknown-option', 'unknown option "--foo"'],
  ['-A INPUT -p esp --dport 1 -j ACCEPT', 'refused', 'syntax/unknown-option', 'unknown option "--dport"'],
  // -w [seconds] anywhere
  ['-A INPUT -s 1.2.3.4 -j ACCEPT -w', 'ok'],
  ['-A INPUT -w 2.5 -j ACCEPT', 'ok'],
  ['-A INPUT -j ACCEPT -w 5', 'ok'],
  ['-A INPUT -w5 -j ACCEPT', 'ok'],
  ['-A INPUT -w x5 -j ACCEPT', 'refused', 'syntax/unexpected-token', 'wait seconds not numeric'],
  // -c packets bytes
  ['-A INPUT -c x1 2 -j ACCEPT', 'refused', 'syntax/bad-counters', '-c packet counter not numeric'],
  ['-A INPUT -c 1 x2 -j ACCEPT', 'refused', 'syntax/bad-counters', '-c byte counter not numeric'],
  // rule numbers after the chain
  ['-I INPUT 1x -j ACCEPT', 'refused', 'syntax/unexpected-token', "Invalid rule number `1x'"],
  ['-I INPUT x1 -j ACCEPT', 'refused', 'syntax/unexpected-token', "Invalid rule number `x1'"],
  ['-L INPUT 12', 'ok'],
  ['-Z INPUT 1', 'ok'],
  ['-Z INPUT x', 'refused', 'syntax/unexpected-token', "Invalid rule number `x'"],
  ['-D INPUT 1', 'ok'],
  ['-D INPUT x', 'refused', 'syntax/unexpected-token', "Invalid rule number `x'"],
  ['-R INPUT 1 -j ACCEPT', 'ok'],
  ['-S INPUT x', 'refused', 'syntax/unexpected-token', "Invalid rule number `x'"],
  ['-P INPUT DROP x', 'refused', 'syntax/unexpected-token', "Bad argument `x'"],
  ['-E X', 'refused', 'syntax/missing-argument', '-E requires old-chain-name and new-chain-name'],
  // bundled short options: listing flags before -L; after it getopt reads the rest as -L's chain (`-Ln` lists chain "n")
  ['-nL', 'ok'],
  ['-nvL INPUT', 'ok'],
  ['-vnxL INPUT', 'ok'],
  ['-nS', 'refused', 'syntax/unexpected-token', "Illegal option `-n' with this command"],
  ['-nZ', 'refused', 'syntax/unexpected-token', "Illegal option `-n' with this command"],
  // marks are read like strtoul base 0: 010 is octal (listed as 0x8), 09 is not a number
  ['-A INPUT -m mark --mark 010 -j ACCEPT', 'ok'],
  ['-A INPUT -m mark --mark 0x8/0xff -j ACCEPT', 'ok'],
  ['-A INPUT -m mark --mark 09 -j ACCEPT', 'refused', 'syntax/bad-value', 'mark: trailing garbage after value for option "--mark".'],
  // a word that is not an option
  ['-A INPUT x$A -j ACCEPT', 'refused', 'syntax/unexpected-token', "Bad argument `x$A'"],
];

function errorCodes(rs: Ruleset): string[] {
  return rs.diagnostics.filter((d) => d.severity === 'error' && d.span.line === 1).map((d) => d.code);
}

describe('iptables arguments the mutation run asked about: the verdict of iptables 1.8.9 in a netns', () => {
  for (const [args, verdict, code] of KERNEL) {
    it(`${verdict.padEnd(7)} iptables ${args}`, () => {
      const rs = parseRules(`iptables -N X\niptables ${args}\n`);
      const got = errorCodes(rs);
      assert.equal(got.length > 0, verdict === 'refused', `an error exactly when iptables refused it; got ${JSON.stringify(rs.diagnostics.map((d) => d.message))}`);
      if (code) assert.equal(got[0], code);
    });
  }
});

describe('iptables arguments: what the parse keeps', () => {
  it('an option the -p protocol does not know adds no implicit match (the rule keeps only what was written)', () => {
    const rs = parseRules('-A X -p tcp --foo 1 -j ACCEPT');
    assert.deepEqual(rs.rules[0].matches, []);
    assert.deepEqual(parseRules('-A X -p tcp --dport 80 --foo 1 -j ACCEPT').rules[0].matches.map((m) => [m.module, m.implicit, m.options.map((o) => o.name)]), [['tcp', true, ['dport']]]);
  });

  it('-m policy elements: each option kept in order, --next between them', () => {
    const r = parseRules('-A X -m policy --dir in --pol ipsec --strict --proto esp --next --proto ah -j ACCEPT').rules[0];
    assert.deepEqual(r.matches[0].options.map((o) => [o.name, o.args]), [['dir', ['in']], ['pol', ['ipsec']], ['strict', []], ['proto', ['esp']], ['next', []], ['proto', ['ah']]]);
  });

  it('a shell variable in a command stands for options nobody can see: not an error there; in -S text (no shell) it is', () => {
    for (const v of ['$EXTRA', '${EXTRA}', '$extra_opts', '${_X1}']) {
      const rs = parseRules(`iptables -A X ${v} -j ACCEPT`);
      assert.deepEqual(rs.diagnostics.filter((d) => d.severity === 'error'), [], v);
      assert.equal(rs.rules[0].target?.name, 'ACCEPT');
      assert.deepEqual(errorCodes(parseRules(`-N Y\n-A X ${v} -j ACCEPT`)), ['syntax/unexpected-token'], `${v} in -S text`);
    }
    // not a whole variable: the word starts or ends with other text
    for (const w of ['x$A', '$A,x', '${A}x', '$A-b', '$', '${}']) assert.deepEqual(errorCodes(parseRules(`iptables -N X\niptables -A X ${w} -j ACCEPT`)), ['syntax/unexpected-token'], w);
  });

  it('an interface given as a shell variable is not judged by its length or characters', () => {
    const rs = parseRules('iptables -A X -i $EXTERNAL_INTERFACE_NAME -o ${LAN_IF} -j ACCEPT');
    assert.deepEqual(rs.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual([rs.rules[0].inInterface?.value, rs.rules[0].outInterface?.value], ['$EXTERNAL_INTERFACE_NAME', '${LAN_IF}']);
    // a name that ends in "$" is a name (no expansion), judged like any other
    assert.deepEqual(errorCodes(parseRules('iptables -N X\niptables -A X -i abcdefghijklmno$ -j ACCEPT')), ['syntax/bad-interface']);
  });

  it('-w takes a number of seconds (whole or with decimals) and nothing else', () => {
    const r = parseRules('iptables -w 12 -A X -j ACCEPT');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(errorCodes(parseRules('iptables -N X\niptables -w 1.5x -A X -j ACCEPT')), ['syntax/unexpected-token']);
    assert.deepEqual(errorCodes(parseRules('iptables -N X\niptables -w x1.5 -A X -j ACCEPT')), ['syntax/unexpected-token']);
  });

  it('bundled listing options as getopt reads them: flags before the command; after it, the chain (`-Ln` lists chain "n")', () => {
    const line = (text: string) => parseRuleLine(text, 0, newLineState('filter'));
    assert.deepEqual([line('iptables -nvL INPUT').kind, line('iptables -nvL INPUT').chain], ['other', 'INPUT']);
    assert.deepEqual([line('iptables -Ln').kind, line('iptables -Ln').chain], ['other', 'n']);
    assert.deepEqual([line('iptables -LINPUT').chain, line('iptables -L').chain], ['INPUT', undefined]);
    const s = line('iptables -nS');
    assert.deepEqual(s.diagnostics.map((d) => [d.code, d.span.start, d.span.end, d.message]), [['syntax/unexpected-token', 10, 11, '-n is only valid with -L (iptables: illegal option with -nS)']]);
  });

  it('-c counts are read as numbers of any length', () => {
    assert.deepEqual(parseRules('iptables -A X -c 123 45678 -j ACCEPT').rules[0].counters, { packets: 123, bytes: 45678 });
  });
});
