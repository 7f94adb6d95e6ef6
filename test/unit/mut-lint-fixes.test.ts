/**
 * The fix machinery of the linter, precisely: LSP edits applied to text (src/core/lint/edits.ts), the standard flows
 * (flows.ts: packets, external interfaces, the chain walk), the host ruleset a document is judged in and the safety
 * verdict (fixSafety.ts), and the move-to-DOCKER-USER fix (moveFix.ts). Expected values written from LSP semantics,
 * conntrack's tuples and iptables' chain traversal before running the code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRules } from '../../src/core/iptables/parse';
import { applyEdits } from '../../src/core/lint/edits';
import { FixChecker, MAX_CHECKED_RULES, checkFix, hostRuleset, keepSafeFixes, standardFlows } from '../../src/core/lint/fixSafety';
import { NODE, PEER, egressFlows, externalInterfaces, hasVariable, packet, publishedFlow, swarmFlows, walkChain } from '../../src/core/lint/flows';
import type { LintFix, TextEdit } from '../../src/core/lint/types';
import { assertFix, one } from './mut-lint-helpers';

const edit = (l1: number, c1: number, l2: number, c2: number, newText: string): TextEdit => ({ range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } }, newText });

test('applyEdits: several edits on one text apply against the original positions, last first', () => {
  const text = 'a1\nb22\nc333\n';
  // insert a line before line 1, replace "22" on line 1, delete line 2 entirely
  assert.equal(applyEdits(text, [edit(1, 0, 1, 0, 'new\n'), edit(1, 1, 1, 3, 'X'), edit(2, 0, 3, 0, '')]), 'a1\nnew\nbX\n');
  // the order the edits are given in does not matter
  assert.equal(applyEdits(text, [edit(2, 0, 3, 0, ''), edit(1, 1, 1, 3, 'X'), edit(1, 0, 1, 0, 'new\n')]), 'a1\nnew\nbX\n');
  // two insertions at the same place: both land
  assert.equal(applyEdits('x\n', [edit(0, 0, 0, 0, 'A'), edit(0, 0, 0, 0, 'B')]).length, 4);
  // an insertion at the start of a line and a replacement that starts there too: the insert stays in front
  assert.equal(applyEdits('abc\n', [edit(0, 0, 0, 0, '>'), edit(0, 0, 0, 1, 'Z')]), '>Zbc\n');
  // positions past a line's end or the text's end clamp to the end (LSP)
  assert.equal(applyEdits('ab', [edit(0, 99, 0, 99, '!')]), 'ab!');
  assert.equal(applyEdits('ab\n', [edit(5, 0, 5, 0, 'tail\n')]), 'ab\ntail\n');
  assert.equal(applyEdits('ab\ncd', [edit(1, 1, 1, 1, '|')]), 'ab\nc|d');
  assert.equal(applyEdits('ab', []), 'ab');
});

test('packet: a reply swaps the original tuple; NEW tcp carries SYN, ESTABLISHED ACK; a DNATed packet keeps the original destination', () => {
  const r = packet({ src: '93.184.216.34', dst: '172.17.0.2', proto: 'tcp', sport: 443, dport: 40000, in: 'eth0', out: 'docker0', state: 'ESTABLISHED', reply: true });
  assert.deepEqual(r.ct, { state: 'ESTABLISHED', origSrc: '172.17.0.2', origDst: '93.184.216.34', origSport: 40000, origDport: 443, status: [], dir: 'REPLY' });
  assert.equal(r.inIface, 'eth0');
  assert.equal(r.outIface, 'docker0');
  assert.deepEqual(r.tcpFlags, ['ACK']);
  const n = packet({ src: '203.0.113.50', dst: '172.18.0.2', proto: 'tcp', sport: 50000, dport: 8080, in: 'eth0', orig: { dst: NODE, dport: 80 } });
  assert.deepEqual(n.ct, { state: 'NEW', origSrc: '203.0.113.50', origDst: NODE, origSport: 50000, origDport: 80, status: ['DNAT'], dir: 'ORIGINAL' });
  assert.deepEqual(n.tcpFlags, ['SYN']);
  const u = packet({ src: '172.17.0.2', dst: '8.8.8.8', proto: 'udp', sport: 40001, dport: 53 });
  assert.equal(u.tcpFlags, undefined);
  assert.deepEqual(u.ct.status, []);
  assert.equal(u.ct.dir, 'ORIGINAL');
});

test('standard flows: container egress per bridge and interface (docker_gwbridge only for Swarm), a published port after ingress DNAT, Swarm planes both ways', () => {
  const plain = egressFlows(['eth0']);
  assert.deepEqual(plain.map((f) => f.name), [
    'container egress docker0 → eth0 tcp/443', 'container egress docker0 → eth0 tcp/5432', 'reply to container egress eth0 → docker0 tcp/443', 'container DNS docker0 → eth0 udp/53', 'DNS reply eth0 → docker0',
    'container egress br-0123456789ab → eth0 tcp/443', 'container egress br-0123456789ab → eth0 tcp/5432', 'reply to container egress eth0 → br-0123456789ab tcp/443', 'container DNS br-0123456789ab → eth0 udp/53', 'DNS reply eth0 → br-0123456789ab',
  ]);
  assert.ok(plain.every((f) => f.hook === 'FORWARD' && f.critical));
  const dnsReply = plain[4].pkt;
  assert.deepEqual([dnsReply.src, dnsReply.dst, dnsReply.proto, dnsReply.sport, dnsReply.dport, dnsReply.inIface, dnsReply.outIface, dnsReply.ct.dir, dnsReply.ct.state], ['8.8.8.8', '172.17.0.2', 'udp', 53, 40001, 'eth0', 'docker0', 'REPLY', 'ESTABLISHED']);
  const egress = plain[1].pkt;
  assert.deepEqual([egress.src, egress.dst, egress.sport, egress.dport, egress.inIface, egress.outIface, egress.ct.state], ['172.17.0.2', '93.184.216.34', 40003, 5432, 'docker0', 'eth0', 'NEW']);
  const swarm = egressFlows(['eth0', 'ens3'], true);
  assert.equal(swarm.length, 2 * 3 * 5);
  assert.ok(swarm.some((f) => f.name === 'container egress docker_gwbridge → ens3 tcp/443' && f.pkt.src === '172.18.0.3'));
  const pub = publishedFlow('eth0', '198.51.100.1', 8080, false);
  assert.equal(pub.name, 'published port 8080/tcp from 198.51.100.1 via eth0');
  assert.equal(pub.critical, false);
  assert.deepEqual([pub.hook, pub.pkt.src, pub.pkt.dst, pub.pkt.dport, pub.pkt.inIface, pub.pkt.outIface, pub.pkt.ct.origDst, pub.pkt.ct.origDport], ['FORWARD', '198.51.100.1', '172.18.0.2', 8080, 'eth0', 'docker_gwbridge', NODE, 8080]);
  const sw = swarmFlows(['eth0'], { control: 2377, gossip: 7946, data: 5789 });
  assert.deepEqual(sw.map((f) => `${f.hook} ${f.name}`), [
    'INPUT swarm tcp/2377 from a peer via eth0', 'OUTPUT swarm tcp/2377 to a peer via eth0', 'INPUT swarm tcp/7946 from a peer via eth0', 'OUTPUT swarm tcp/7946 to a peer via eth0',
    'INPUT swarm udp/7946 from a peer via eth0', 'OUTPUT swarm udp/7946 to a peer via eth0', 'INPUT swarm udp/5789 from a peer via eth0', 'OUTPUT swarm udp/5789 to a peer via eth0',
    'INPUT swarm esp from a peer via eth0', 'OUTPUT swarm esp to a peer via eth0',
  ]);
  assert.deepEqual([sw[0].pkt.src, sw[0].pkt.dst, sw[0].pkt.inIface, sw[0].pkt.sport, sw[1].pkt.src, sw[1].pkt.dst, sw[1].pkt.outIface], [PEER, NODE, 'eth0', 40002, NODE, PEER, 'eth0']);
  assert.deepEqual([sw[8].pkt.sport, sw[8].pkt.dport], [undefined, undefined]);
});

test('externalInterfaces: the non-Docker interfaces the rules name (at most three), else eth0; hasVariable', () => {
  const rules = parseRules('-A DOCKER-USER -i ens3 -j DROP\n-A DOCKER-USER -o wg0 -j ACCEPT\n-A DOCKER-USER -i docker0 -o eth1 -j RETURN\n-A DOCKER-USER -i $EXT -j DROP\n-A DOCKER-USER -i eth+ -j DROP\n-A DOCKER-USER -i lo -j ACCEPT\n-A DOCKER-USER -i veth12ab -j ACCEPT\n-A DOCKER-USER -i br-0123456789ab -j ACCEPT\n-A DOCKER-USER -i docker_gwbridge -j ACCEPT\n-A DOCKER-USER -i tun0 -j DROP\n').rules;
  assert.deepEqual(externalInterfaces(rules), ['ens3', 'wg0', 'eth1']);
  assert.deepEqual(externalInterfaces(parseRules('-A DOCKER-USER -i docker0 -j DROP\n').rules), ['eth0']);
  assert.deepEqual(externalInterfaces(parseRules('-A DOCKER-USER -i tun0 -j DROP\n').rules), ['tun0']);
  const vars = parseRules('-A DOCKER-USER -s $ADMIN -j RETURN\n-A DOCKER-USER -d $DB -j DROP\n-A DOCKER-USER -i $EXT -j DROP\n-A DOCKER-USER -o $LAN -j DROP\n-A DOCKER-USER -p tcp -m tcp --dport ${PORT} -j DROP\n-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j DROP\n').rules;
  assert.deepEqual(vars.map(hasVariable), [true, true, true, true, true, false]);
});

test('walkChain: first terminal match decides; jumps into user chains and back; goto returns for the caller; skip; unknown for shell variables; END', () => {
  const rs = parseRules(`*filter
:DOCKER-USER - [0:0]
:ADMIN - [0:0]
:GOTO - [0:0]
-A DOCKER-USER -s 198.51.100.7 -j ADMIN
-A DOCKER-USER -s 198.51.100.8 -g GOTO
-A DOCKER-USER -s 198.51.100.9 -j LOG
-A DOCKER-USER -m comment --comment $TAG -j ACCEPT
-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 5432 -j REJECT
-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j DROP
-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 443 -j RETURN
-A ADMIN -p tcp -m tcp --dport 22 -j ACCEPT
-A GOTO -p udp -j ACCEPT
COMMIT
`);
  const pkt = (src: string, dport: number): ReturnType<typeof packet> => packet({ src, dst: '172.17.0.2', proto: 'tcp', sport: 50000, dport, in: 'eth0', out: 'docker0' });
  const line = (d: ReturnType<typeof walkChain>): number | undefined => (d.rule ? d.rule.line + 1 : undefined);
  let d = walkChain(rs, 'DOCKER-USER', pkt('198.51.100.7', 22), 'FORWARD');
  assert.deepEqual([d.verdict, line(d), d.unknown], ['ACCEPT', 12, false]);
  // ADMIN does not decide for port 5432: back in DOCKER-USER, the rule with a shell variable is unknown, the REJECT decides
  d = walkChain(rs, 'DOCKER-USER', pkt('198.51.100.7', 5432), 'FORWARD');
  assert.deepEqual([d.verdict, line(d), d.unknown], ['REJECT', 9, true]);
  // -g GOTO: GOTO does not decide for tcp, so the packet returns from DOCKER-USER at the goto rule
  d = walkChain(rs, 'DOCKER-USER', pkt('198.51.100.8', 22), 'FORWARD');
  assert.deepEqual([d.verdict, line(d)], ['RETURN', 6]);
  d = walkChain(rs, 'DOCKER-USER', pkt('203.0.113.1', 22), 'FORWARD');
  assert.deepEqual([d.verdict, line(d), d.unknown], ['DROP', 10, true]);
  d = walkChain(rs, 'DOCKER-USER', pkt('203.0.113.1', 443), 'FORWARD');
  assert.deepEqual([d.verdict, line(d)], ['RETURN', 11]);
  d = walkChain(rs, 'DOCKER-USER', pkt('203.0.113.1', 8080), 'FORWARD');
  assert.deepEqual([d.verdict, d.rule, d.unknown], ['END', undefined, true]);
  // skip: the DROP left out, the walk ends
  const drop = rs.tables.get('filter')?.chains.get('DOCKER-USER')?.rules[5];
  assert.equal(drop?.target?.name, 'DROP');
  d = walkChain(rs, 'DOCKER-USER', pkt('203.0.113.1', 22), 'FORWARD', new Set(drop ? [drop] : []));
  assert.deepEqual([d.verdict, d.rule], ['END', undefined]);
  // a chain the ruleset does not have: END, nothing unknown
  d = walkChain(rs, 'NOPE', pkt('203.0.113.1', 22), 'FORWARD');
  assert.deepEqual([d.verdict, d.unknown], ['END', false]);
  // a loop of jumps stops (depth bound) instead of recursing forever
  const loop = parseRules('*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\nCOMMIT\n');
  assert.equal(walkChain(loop, 'A', pkt('203.0.113.1', 22), 'FORWARD').verdict, 'END');
  // a builtin chain as a target is not followed as a subroutine
  const builtin = parseRules('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j INPUT\n-A INPUT -j DROP\nCOMMIT\n');
  assert.equal(walkChain(builtin, 'DOCKER-USER', pkt('203.0.113.1', 22), 'FORWARD').verdict, 'END');
});

test('hostRuleset: command lines go on top of Docker\'s chains; a rule file\'s FORWARD rules come after Docker\'s, its DOCKER-USER replaces Docker\'s, Docker\'s own chains in it are ignored', () => {
  const cmd = hostRuleset('iptables -I DOCKER-USER -i eth0 -j DROP\n', 'docker-27', []);
  assert.deepEqual(cmd.tables.get('filter')?.chains.get('DOCKER-USER')?.rules.map((r) => r.text), ['-i eth0 -j DROP', '-j RETURN'].map((t) => cmd.tables.get('filter')?.chains.get('DOCKER-USER')?.rules.find((r) => r.text.endsWith(t))?.text));
  assert.equal(cmd.tables.get('filter')?.chains.get('DOCKER-USER')?.rules.length, 2);
  const file = `*filter
:FORWARD ACCEPT [0:0]
:DOCKER-USER - [0:0]
:DOCKER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -i eth0 -j DROP
-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j DROP
-A DOCKER -j ACCEPT
COMMIT
`;
  const rs = hostRuleset(file, 'docker-28', [8080]);
  const filter = rs.tables.get('filter');
  const forward = filter?.chains.get('FORWARD');
  // Docker's three jumps first, then the file's DROP; the file's jump to DOCKER-USER is not doubled; the policy is the file's
  assert.deepEqual(forward?.rules.map((r) => r.target?.name), ['DOCKER-USER', 'DOCKER-INGRESS', 'DOCKER-FORWARD', 'DROP']);
  assert.equal(forward?.policy, 'ACCEPT');
  // the file's DOCKER-USER replaces Docker's (28.2.2: empty); its DOCKER chain does not replace Docker's
  assert.deepEqual(filter?.chains.get('DOCKER-USER')?.rules.map((r) => r.target?.name), ['DROP']);
  assert.deepEqual(filter?.chains.get('DOCKER')?.rules.map((r) => r.target?.name), ['DROP', 'DROP', 'DROP']);
  // published ports become DOCKER-INGRESS ACCEPTs
  assert.equal(filter?.chains.get('DOCKER-INGRESS')?.rules.length, 3);
  // a file without FORWARD policy keeps Docker's
  assert.equal(hostRuleset('*filter\n:DOCKER-USER - [0:0]\n-A FORWARD -i eth1 -j DROP\nCOMMIT\n', 'docker-27', []).tables.get('filter')?.chains.get('FORWARD')?.policy, 'DROP');
  // a nat-only file leaves Docker's filter table as it is
  assert.equal(hostRuleset('*nat\n-A PREROUTING -p tcp -j ACCEPT\nCOMMIT\n', 'docker-27', []).tables.get('filter')?.chains.get('DOCKER-USER')?.rules.length, 1);
});

test('standardFlows: the published ports the document accepts, from the client its source names (first host of the range, or the address itself)', () => {
  const { flows, ports } = standardFlows([
    'iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN',
    'iptables -I DOCKER-USER -i eth0 -s 203.0.113.9 -p tcp --dport 443 -j ACCEPT',
    'iptables -I DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -p tcp -m multiport --dports 80,81,x -j ACCEPT',
    'iptables -I DOCKER-USER -i eth0 -p tcp ! --dport 22 -j ACCEPT',
    'iptables -I DOCKER-USER -i eth0 -p tcp --dport 25 -j DROP',
    'iptables -I INPUT -i eth0 -p tcp --dport 2222 -j ACCEPT',
  ].join('\n'));
  assert.deepEqual(ports, [8080, 443, 80, 81]);
  const pub = flows.filter((f) => f.name.startsWith('published')).map((f) => f.name);
  assert.deepEqual(pub, ['published port 8080/tcp from 198.51.100.1 via eth0', 'published port 443/tcp from 203.0.113.9 via eth0', 'published port 80/tcp from 203.0.113.50 via eth0', 'published port 81/tcp from 203.0.113.50 via eth0']);
  // egress for Swarm hosts (docker_gwbridge included) and the Swarm planes are always among them
  assert.ok(flows.some((f) => f.name === 'container egress docker_gwbridge → eth0 tcp/443'));
  assert.ok(flows.some((f) => f.name === 'swarm udp/4789 from a peer via eth0'));
  // at most 8 accepted (client, port) pairs
  const many = Array.from({ length: 12 }, (_, k) => `iptables -I DOCKER-USER -p tcp --dport ${1000 + k} -j ACCEPT`).join('\n');
  assert.equal(standardFlows(many).ports.length, 8);
});

test('FixChecker: a fix that newly drops a critical flow in either layout is unsafe and names it; one that only lets more through is safe', () => {
  const text = 'iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -p tcp --dport 8080 -j RETURN\n';
  const checker = new FixChecker(text);
  const dropAll: LintFix = { title: 'x', edits: [edit(1, 0, 1, 0, 'iptables -I DOCKER-USER -j DROP\n')] };
  const v = checker.check(dropAll);
  assert.equal(v.safe, false);
  for (const layout of ['docker-27', 'docker-28']) {
    assert.ok(v.broken.includes(`${layout}: container egress docker0 → eth0 tcp/443`), v.broken.join('\n'));
    assert.ok(v.broken.includes(`${layout}: published port 8080/tcp from 198.51.100.1 via eth0`), v.broken.join('\n'));
  }
  // the same fix twice: the same verdict
  assert.deepEqual(checker.check({ title: 'y', edits: dropAll.edits }), v);
  // REJECT counts as breaking too; a flow that was already dropped is not "broken" by a fix
  assert.equal(checkFix(text, { title: 'r', edits: [edit(1, 0, 1, 0, 'iptables -I DOCKER-USER -p udp --dport 53 -j REJECT\n')] }).safe, false);
  const blocked = 'iptables -I DOCKER-USER -i docker0 -p tcp --dport 5432 -j DROP\n';
  const again = checkFix(blocked, { title: 'z', edits: [edit(1, 0, 1, 0, 'iptables -I DOCKER-USER -i docker0 -p tcp --dport 5432 -j REJECT\n')] });
  assert.deepEqual(again, { safe: true, broken: [] });
  assert.deepEqual(checkFix(text, { title: 'ok', edits: [edit(0, 0, 0, 0, 'iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n')] }), { safe: true, broken: [] });
  // a nat document judged as nat: its filter flows are untouched
  assert.equal(checkFix('-A PREROUTING -p tcp -j ACCEPT\n', { title: 'n', edits: [edit(1, 0, 1, 0, '-A PREROUTING -j DROP\n')] }, 'nat').safe, true);
});

test('keepSafeFixes: unsafe fixes are removed, safe ones kept; beyond the rule budget no fix is offered; nothing to check, nothing done', () => {
  const text = 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j RETURN\n';
  const safe: LintFix = { title: 'safe', edits: [edit(0, 0, 0, 0, 'iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n')] };
  const unsafe: LintFix = { title: 'unsafe', edits: [edit(1, 0, 1, 0, 'iptables -I DOCKER-USER -j DROP\n')] };
  const diags = [{ fixes: [unsafe, safe] }, { fixes: [] as LintFix[] }];
  keepSafeFixes(text, diags, 1);
  assert.deepEqual(diags.map((d) => d.fixes.map((f) => f.title)), [['safe'], []]);
  const big = [{ fixes: [safe] }];
  keepSafeFixes(text, big, MAX_CHECKED_RULES + 1);
  assert.deepEqual(big[0].fixes, []);
  const atLimit = [{ fixes: [safe] }];
  keepSafeFixes(text, atLimit, MAX_CHECKED_RULES);
  assert.deepEqual(atLimit[0].fixes.map((f) => f.title), ['safe']);
  assert.equal(MAX_CHECKED_RULES, 400);
});

test('moveToDockerUserFix: an -A FORWARD command becomes -I DOCKER-USER; an -I FORWARD only changes the chain; a restore file gets the chain declared', () => {
  const ctx = { publishedPorts: [{ port: 8080, protocol: 'tcp' as const, mode: 'ingress' as const, targetPort: 80 }] };
  // test/unit/lint-rules.test.ts's INPUT case (swarm/input-published-port) with an -A and with an -I
  const a = 'iptables -A INPUT -p tcp --dport 8080 -s 198.51.100.0/24 -j DROP\n';
  const d = one(a, 'swarm/input-published-port', ctx);
  assert.deepEqual(d.fixes.map((f) => f.title), ['Move to DOCKER-USER matching the original destination port (conntrack)']);
  assertFix(a, d, 0, 'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -s 198.51.100.0/24 -j DROP\n', ctx);
  const i = 'iptables -I INPUT 3 -p tcp --dport 8080 -s 198.51.100.0/24 -j DROP\n';
  // (its position is INPUT's: DOCKER-USER may have no third place, "Index of insertion too big": inserted at the top)
  assertFix(i, one(i, 'swarm/input-published-port', ctx), 0, 'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -s 198.51.100.0/24 -j DROP\n', ctx);
  // `-R INPUT 2 …` moved would replace DOCKER-USER's second rule: no fix
  const r = 'iptables -R INPUT 2 -p tcp --dport 8080 -s 198.51.100.0/24 -j DROP\n';
  assert.deepEqual(one(r, 'swarm/input-published-port', ctx).fixes, []);
  const save = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n';
  // (declared right after *filter; the `-m tcp` left without options is valid and matches any tcp packet)
  assertFix(save, one(save, 'swarm/input-published-port', ctx), 0, '*filter\n:DOCKER-USER - [0:0]\n:INPUT ACCEPT [0:0]\n-A DOCKER-USER -p tcp -m tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP\nCOMMIT\n', ctx);
  // DOCKER-USER already declared: not declared twice
  const declared = '*filter\n:DOCKER-USER - [0:0]\n-A INPUT -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n';
  assertFix(declared, one(declared, 'swarm/input-published-port', ctx), 0, '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -p tcp -m tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP\nCOMMIT\n', ctx);
  // -S lines (no *filter): nothing to declare
  const s = '-A INPUT -p tcp -m tcp --dport 8080 -j DROP\n';
  assertFix(s, one(s, 'swarm/input-published-port', ctx), 0, '-A DOCKER-USER -p tcp -m tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP\n', ctx);
});
