/**
 * The small rules, precisely (each with its span, severity, message and fix): rules/interface-wildcard,
 * rules/insert-index, docker/nftables-backend, rules/unused-chain. Expected answers written from iptables'
 * behaviour (interface names compared literally but for a trailing `+`; `-I CHAIN N` needs N ≤ rules + 1) and
 * Docker's (the nftables backend of Docker 29 has no DOCKER-USER) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint/engine';
import { assertFix, at, dump, one, raw } from './mut-lint-helpers';

test('interface-wildcard: `-i br-`, `-o veth*`, `docker_`, `eth.` are literal names; the fix writes the + wildcard', () => {
  const lines = [
    'iptables -I DOCKER-USER -i br- -j DROP',
    'iptables -I DOCKER-USER -o veth* -j ACCEPT',
    'iptables -I DOCKER-USER ! -i docker_ -j DROP',
    'iptables -I DOCKER-USER -i eth. -j DROP',
    'iptables -I DOCKER-USER -i - -j DROP', // a lone "-": not a prefix
    'iptables -I DOCKER-USER -i $BR- -j DROP', // a shell variable
    'iptables -I DOCKER-USER -i br-+ -j DROP', // already the wildcard
    'iptables -I DOCKER-USER -i "br-" -j DROP', // quoted: reported, not rewritten
    'iptables -I DOCKER-USER -i eth0 -j DROP',
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, 'rules/interface-wildcard');
  assert.deepEqual(at(ds), ['1:27-30', '2:27-32', '3:29-36', '4:27-31', '8:27-32']);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(ds[0].message, '"br-" is compared literally: it matches only an interface named exactly "br-". iptables\' wildcard is a trailing +: br-+ matches every interface whose name starts with "br-".');
  assert.equal(ds[1].message, '"veth*" is compared literally: it matches only an interface named exactly "veth*". iptables\' wildcard is a trailing +: veth+ matches every interface whose name starts with "veth".');
  assert.deepEqual(ds.map((d) => d.fixes.map((f) => f.title)), [['Use br-+ (prefix wildcard)'], ['Use veth+ (prefix wildcard)'], ['Use docker_+ (prefix wildcard)'], ['Use eth.+ (prefix wildcard)'], []]);
  assertFix(text, ds[1], 0, text.replace(lines[1], 'iptables -I DOCKER-USER -o veth+ -j ACCEPT'), undefined, 'iptables -I DOCKER-USER -o veth+ -j ACCEPT');
  assertFix(text, ds[0], 0, text.replace(lines[0], 'iptables -I DOCKER-USER -i br-+ -j DROP'), undefined, 'iptables -I DOCKER-USER -i br-+ -j DROP');
  // the node's own rules are not the user's; a dump's are reported without a fix
  assert.deepEqual(raw('iptables -I DOCKER-USER -i eth0 -j DROP\n', 'rules/interface-wildcard', { filterRules: '-N DOCKER-USER\n-A DOCKER-USER -i br- -j DROP\n' }), []);
  assert.deepEqual(raw(dump('-A DOCKER-USER -i br- -j DROP'), 'rules/interface-wildcard').map((d) => `${d.span.line + 1} ${d.fixes.length}`), ['7 0']);
});

test('insert-index: past the end of a chain the file declares: error; of the node\'s unknown chain: info; of 28.2.2\'s empty DOCKER-USER: error', () => {
  const save = '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\n-I DOCKER-USER 3 -s 10.0.0.1 -j DROP\n-I DOCKER-USER 2 -s 10.0.0.2 -j DROP\nCOMMIT\n';
  const d = one(save, 'rules/insert-index');
  assert.deepEqual(d.span, { line: 3, start: 0, end: 36 });
  assert.equal(d.severity, 'error');
  assert.equal(d.message, 'insert position 3 is beyond the end of DOCKER-USER (1 rule(s) here): iptables refuses the insert ("Index of insertion too big") and the rule is not added.');
  const cmd = one('iptables -I DOCKER-USER 3 -s 10.0.0.1 -j DROP\n', 'rules/insert-index');
  assert.equal(cmd.severity, 'info');
  assert.equal(cmd.message, 'insert position 3 is beyond the end of DOCKER-USER (1 rule(s) here): iptables refuses the insert ("Index of insertion too big") and the rule is not added — if the chain on the host has no more rules than this file shows.');
  const v28 = one('iptables -I DOCKER-USER 2 -s 10.0.0.1 -j DROP\n', 'rules/insert-index', { engineVersion: '28.2.2' });
  assert.equal(v28.severity, 'error');
  assert.match(v28.message, /^insert position 2 is beyond the end of DOCKER-USER \(0 rule\(s\) here\): iptables refuses/);
  // position 2 after Docker's RETURN (≤ 28.2.1) is fine
  assert.deepEqual(raw('iptables -I DOCKER-USER 2 -s 10.0.0.1 -j DROP\n', 'rules/insert-index'), []);
  // the parser's other position messages stay what they are
  assert.deepEqual(raw(save, 'syntax/bad-position'), []);
});

test('nftables-backend: named on the first DOCKER-USER rule (warning), or said once as info; iptables backends say nothing', () => {
  const ctx = { nodeName: 'n1', engineVersion: '29.0.0', firewallBackend: 'nftables' };
  const text = '# rules\niptables -I DOCKER-USER -s 10.0.0.1 -j DROP\niptables -I DOCKER-USER -s 10.0.0.2 -j DROP\n';
  const d = one(text, 'docker/nftables-backend', ctx);
  assert.deepEqual(d.span, { line: 1, start: 0, end: 43 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'Node n1 runs Docker 29.0.0 with the nftables firewall backend: there is no DOCKER-USER chain (Docker\'s rules are in the nftables tables ip docker-bridges / ip6 docker-bridges), so DOCKER-USER rules do nothing there. Use nftables rules in a separate table (or --bridge-accept-fwmark), or switch the daemon back to iptables (required for Swarm).');
  // the rules are not judged as if DOCKER-USER existed
  assert.deepEqual(lintCodes(text, ctx), ['docker/nftables-backend']);
  const other = one('iptables -I INPUT -s 10.0.0.1 -j DROP\n', 'docker/nftables-backend', { firewallBackend: 'nftables' });
  assert.deepEqual(other.span, { line: 0, start: 0, end: 37 });
  assert.equal(other.severity, 'info');
  assert.match(other.message, /^The node runs Docker with the nftables firewall backend: there is no DOCKER-USER chain/);
  assert.deepEqual(raw(text, 'docker/nftables-backend', { firewallBackend: 'iptables+firewalld' }), []);
  assert.deepEqual(raw(text, 'docker/nftables-backend'), []);
});

function lintCodes(text: string, ctx?: Parameters<typeof lintRules>[1]): string[] {
  return lintRules(text, ctx).diagnostics.filter((d) => d.severity !== 'info' || d.code.startsWith('docker/')).map((d) => d.code);
}

test('unused-chain: a chain the file creates and fills but never jumps to; tool chains, empty or referenced chains are not', () => {
  const save = `*filter
:INPUT ACCEPT [0:0]
:MYCHAIN - [0:0]
:USED - [0:0]
:EMPTY - [0:0]
:f2b-sshd - [0:0]
-A INPUT -j USED
-A USED -s 10.0.0.1 -j DROP
-A MYCHAIN -s 10.0.0.1 -j DROP
-A MYCHAIN -s 10.0.0.2 -j DROP
-A f2b-sshd -s 10.0.0.3 -j DROP
COMMIT
`;
  const d = one(save, 'rules/unused-chain');
  assert.deepEqual(d.span, { line: 2, start: 0, end: 16 });
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'Nothing jumps to chain MYCHAIN (no -j MYCHAIN / -g MYCHAIN in filter): its 2 rule(s) never run. Add a jump from FORWARD/DOCKER-USER/INPUT, or remove the chain.');
  // a goto counts as a reference
  assert.deepEqual(raw(save.replace('-A INPUT -j USED', '-A INPUT -j USED\n-A INPUT -g MYCHAIN'), 'rules/unused-chain'), []);
  // a script: the -N line; a chain it only appends to (created elsewhere) is not judged
  const cmd = 'iptables -N MYCHAIN\niptables -A MYCHAIN -s 10.0.0.1 -j DROP\niptables -A OTHER -s 10.0.0.1 -j DROP\n';
  assert.deepEqual(at(raw(cmd, 'rules/unused-chain')), ['1:0-19']);
  // the node jumps to it already
  assert.deepEqual(raw(cmd, 'rules/unused-chain', { filterRules: '-N MYCHAIN\n-A INPUT -j MYCHAIN\n' }), []);
  // per table: a nat chain with no nat jump
  const nat = one('iptables -t nat -N MYNAT\niptables -t nat -A MYNAT -p tcp -j DNAT --to-destination 10.0.0.1\n', 'rules/unused-chain');
  assert.match(nat.message, /^Nothing jumps to chain MYNAT \(no -j MYNAT \/ -g MYNAT in nat\): its 1 rule\(s\) never run/);
  // the jump in filter does not count for a nat chain of the same name
  assert.deepEqual(at(raw('iptables -t nat -N X\niptables -t nat -A X -p tcp -j DNAT --to-destination 10.0.0.1\niptables -A INPUT -j X\n', 'rules/unused-chain')), ['1:0-20']);
  // a listing is not judged
  assert.deepEqual(raw('Chain MYCHAIN (0 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 DROP       all  --  *      *       10.0.0.1             0.0.0.0/0\n', 'rules/unused-chain'), []);
});
