// The match modules the tracer cannot decide offline (src/core/iptables/matches: owner, ttl, string, recent, …).
// Rules below are the examples of iptables-extensions(8) (iptables 1.8.9 man page, section MATCH EXTENSIONS) or
// written in their style; the option tables are the man page's option lists (name, arguments, integer values).
// What is asserted: every option of the man page is known (no diagnostic, arguments consumed), a rule using the
// module is may-match with the module's own reason (never a silent yes or no), a bare `-m x` hover says what the
// module tests, and the registry finds modules by name in any case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_WORDS, MATCH_MODULES, matchModule } from '../../src/core/iptables/matches';
import { parseDumpText } from '../../src/core/iptables/parse';
import { hoverRule } from '../../src/core/lint/hover';
import { ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket } from '../../src/core/trace/packet';

/** name:arguments[:int] per option, in the man page's order (integer-only values marked int). */
const OPTIONS: Record<string, string> = {
  bpf: 'bytecode:1 object-pinned:1',
  cgroup: 'path:1 cgroup:1',
  connbytes: 'connbytes:1 connbytes-dir:1 connbytes-mode:1',
  connlimit: 'connlimit-upto:1:int connlimit-above:1:int connlimit-mask:1:int connlimit-saddr:0 connlimit-daddr:0',
  devgroup: 'src-group:1 dst-group:1',
  dscp: 'dscp:1 dscp-class:1',
  hashlimit: 'hashlimit-upto:1 hashlimit-above:1 hashlimit-burst:1 hashlimit-mode:1 hashlimit-srcmask:1:int hashlimit-dstmask:1:int hashlimit-name:1 hashlimit-htable-size:1:int hashlimit-htable-max:1:int hashlimit-htable-expire:1:int hashlimit-htable-gcinterval:1:int hashlimit:1',
  helper: 'helper:1',
  owner: 'uid-owner:1 gid-owner:1 socket-exists:0 suppl-groups:0',
  realm: 'realm:1',
  recent: 'name:1 set:0 rcheck:0 update:0 remove:0 seconds:1:int reap:0 hitcount:1:int rttl:0 rsource:0 rdest:0 mask:1',
  rpfilter: 'loose:0 validmark:0 accept-local:0 invert:0',
  socket: 'transparent:0 nowildcard:0 restore-skmark:0',
  statistic: 'mode:1 probability:1 every:1:int packet:1:int',
  string: 'algo:1 from:1:int to:1:int string:1 hex-string:1 icase:0',
  tcpmss: 'mss:1',
  time: 'datestart:1 datestop:1 timestart:1 timestop:1 monthdays:1 weekdays:1 kerneltz:0 contiguous:0',
  tos: 'tos:1',
  ttl: 'ttl-eq:1:int ttl-lt:1:int ttl-gt:1:int',
  u32: 'u32:1',
};

/** A rule per module (man page examples where it has one) and why the tracer cannot decide it. */
const CASES: [module: string, rule: string, why: string, summary: string][] = [
  ['bpf', '-A INPUT -m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0" -j ACCEPT', 'BPF programs are not run offline', 'a BPF program'],
  ['cgroup', '-A OUTPUT -m cgroup --path service/http-server -j DROP', 'cgroups are not traced', "the local socket's cgroup"],
  ['connbytes', '-A POSTROUTING -m connbytes --connbytes 10000:100000 --connbytes-dir both --connbytes-mode bytes -j ACCEPT', 'connection counters are not in the dumps', 'bytes or packets the connection has carried'],
  ['connlimit', '-A INPUT -p tcp --syn --dport 23 -m connlimit --connlimit-above 2 -j REJECT', 'the connection count is not in the dumps', 'the number of connections per address or network'],
  ['devgroup', '-A FORWARD -m devgroup --src-group 0x2 -j ACCEPT', 'interface groups are not in the dumps', 'interface groups'],
  ['dscp', '-A FORWARD -m dscp --dscp-class EF -j ACCEPT', 'the DSCP field is not traced', 'the IP DSCP field'],
  ['hashlimit', '-A INPUT -m hashlimit --hashlimit-upto 1000/sec --hashlimit-burst 32 --hashlimit-mode dstip,dstport --hashlimit-name foo -j ACCEPT', 'the rates of other flows are not in the dumps', 'per-flow rate limits'],
  ['helper', '-A FORWARD -m helper --helper ftp -j ACCEPT', 'conntrack helpers are not traced', "the connection's conntrack helper"],
  ['owner', '-A OUTPUT -m owner --uid-owner 1000 -j DROP', 'the sending process is not traced', "the local socket's owner (OUTPUT/POSTROUTING)"],
  ['realm', '-A FORWARD -m realm --realm 0x10 -j ACCEPT', 'routing realms are not traced', 'the routing realm'],
  ['recent', '-A FORWARD -m recent --name badguy --rcheck --seconds 60 -j DROP', 'the contents of the recent list are not in the dumps', 'addresses seen recently (a dynamic list)'],
  ['rpfilter', '-A PREROUTING -m rpfilter --invert -j DROP', 'the reverse route lookup is not traced', 'reverse-path filtering'],
  ['socket', '-A PREROUTING -p tcp -m socket --transparent -j ACCEPT', 'local sockets are not in the dumps', 'a local socket for the packet'],
  ['statistic', '-A PREROUTING -m statistic --mode random --probability 0.5 -j ACCEPT', 'sampling depends on other packets', 'a random or every-nth sample'],
  ['string', '-A INPUT -m string --algo bm --string "GET /index.html" -j DROP', 'the payload is not traced', 'a string in the payload'],
  ['tcpmss', '-A FORWARD -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1400:1536 -j ACCEPT', 'TCP options are not traced', 'the TCP MSS option of SYN packets'],
  ['time', '-A INPUT -m time --timestart 12:30 --timestop 13:30 --weekdays Mon,Tue --kerneltz -j DROP', 'it depends on when the packet arrives', 'the time of day or date'],
  ['tos', '-A INPUT -m tos --tos 0x10 -j ACCEPT', 'the TOS field is not traced', 'the IP TOS field'],
  ['ttl', '-A INPUT -m ttl --ttl-lt 5 -j DROP', 'the TTL is not traced', 'the IP TTL'],
  ['u32', '-A INPUT -m u32 --u32 "6 & 0xFF = 1" -j DROP', 'the bytes of the packet are not traced', 'bytes of the packet'],
];

const table = (chain: string): string => (['PREROUTING', 'POSTROUTING'].includes(chain) ? 'mangle' : 'filter');

function parseOne(rule: string) {
  const chain = rule.split(' ')[1];
  const r = parseDumpText(`*${table(chain)}\n${rule}\nCOMMIT\n`);
  assert.equal(r.rules.length, 1, rule);
  return { rule: r.rules[0], diagnostics: r.diagnostics };
}

describe('undecidable match modules', () => {
  it("every option of the man page is known, with its arguments; nothing else", () => {
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const m = matchModule(name);
      assert.ok(m, name);
      assert.equal(m.options.map((o) => `${o.name}:${o.arity}${o.kind === 'int' ? ':int' : ''}`).join(' '), spec, name);
      // (bpf's bytecode is read as libxt_bpf reads it: its own kind, test/unit/lint-shapes-session19.test.ts)
      assert.ok(m.options.every((o) => o.kind === 'any' || o.kind === 'int' || (o.kind === 'bpf' && `${name} ${o.name}` === 'bpf bytecode')), name);
    }
  });

  it('integer options refuse a non-number, the others take any word', () => {
    const bad = parseDumpText('*filter\n-A INPUT -m recent --name x --rcheck --seconds soon -j DROP\n-A INPUT -m ttl --ttl-eq x -j DROP\n-A INPUT -m string --algo kmp --from x --string a -j DROP\nCOMMIT\n');
    assert.deepEqual(bad.diagnostics.map((d) => d.message), ['"soon" is not a number', '"x" is not a number', '"x" is not a number']);
    const ok = parseDumpText('*filter\n-A INPUT -m tos --tos Minimize-Delay -m realm --realm 0x10/0xff -m helper --helper ftp-21 -j DROP\nCOMMIT\n');
    assert.deepEqual(ok.diagnostics, []);
  });

  for (const [name, text, why, summary] of CASES) {
    it(`-m ${name}: may-match, because ${why}`, () => {
      const { rule, diagnostics } = parseOne(text);
      assert.deepEqual(diagnostics.map((d) => d.message), [], text);
      const m = rule.matches.find((x) => x.module === name);
      assert.ok(m && m.options.length > 0, text);
      const pkt = newPacket({ src: '10.0.0.2', dst: '10.0.0.1', proto: 'tcp', sport: 40000, dport: 23 });
      const hook = rule.chain === 'OUTPUT' ? 'OUTPUT' : rule.chain === 'FORWARD' ? 'FORWARD' : 'INPUT';
      const r = ruleMatches(rule, { ...pkt, tcpFlags: ['SYN'] }, { ifaceAddresses: {} }, hook);
      assert.equal(r.matched, true, text);
      const mine = r.unsupported.filter((u) => u.startsWith(`-m ${name} `));
      assert.deepEqual(mine, m.options.map((o) => `-m ${name} --${o.name} (${why})`), text);
      // negation does not turn an unknown into a decision
      const neg = parseOne(text.replace(`-m ${name} --`, `-m ${name} ! --`)).rule;
      assert.equal(ruleMatches(neg, pkt, { ifaceAddresses: {} }, hook).matched, true, `negated: ${text}`);
      // the hover of a bare `-m <name>` says what the module tests
      const bare = parseOne(`-A ${rule.chain} -m ${name} -j ACCEPT`).rule;
      assert.match(hoverRule(bare), new RegExp(`^Packets matching -m ${name} \\(${summary.replace(/[()]/g, '\\$&')}\\) are accepted\\.`));
    });
  }

  it('the registry: -m names in any case, unknown names, listing words', () => {
    assert.equal(MATCH_MODULES.length, 46);
    assert.ok(MATCH_MODULES.some((m) => m.name === 'geoip'), 'xtables-addons geoip (holdout 8: a host\'s -S output)');
    for (const m of MATCH_MODULES) {
      assert.equal(matchModule(m.name), m);
      assert.equal(matchModule(m.name.toUpperCase()), m);
      assert.ok(m.summary.length > 0, m.name);
    }
    assert.equal(new Set(MATCH_MODULES.map((m) => m.summary)).size, MATCH_MODULES.length, 'every summary its own');
    assert.equal(matchModule('nosuch'), undefined);
    assert.equal(matchModule('constructor'), undefined);
    assert.deepEqual(LIST_WORDS.get('tcp')?.map((m) => m.name), ['tcp']);
    assert.deepEqual(LIST_WORDS.get('mark')?.map((m) => m.name), ['mark']);
    assert.equal(LIST_WORDS.get('bpf'), undefined);
  });
});
