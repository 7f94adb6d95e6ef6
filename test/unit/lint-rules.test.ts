/** Behaviour of each lint rule: exact spans, Swarm reasons in messages, fixes applied to text, node-aware facts, hover. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter, lintRules } from '../../src/core/lint/engine';
import { hoverRule } from '../../src/core/lint/hover';
import { parseRules } from '../../src/core/iptables/parse';
import type { LintContext, LintDiagnostic } from '../../src/core/lint/types';
import { makeRules } from '../fixtures/lint/generate';
import { LINT_FIXTURES, applyEdits } from './lint-helpers';

const NODE_A = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'node-a.json'), 'utf8')) as LintContext;

function codes(text: string, ctx?: LintContext): string[] {
  return lintRules(text, ctx).diagnostics.map((d) => d.code);
}

function only(text: string, code: string, ctx?: LintContext): LintDiagnostic {
  const ds = lintRules(text, ctx).diagnostics.filter((d) => d.code === code);
  assert.equal(ds.length, 1, `expected one ${code}, got ${JSON.stringify(lintRules(text, ctx).diagnostics, null, 1)}`);
  return ds[0];
}

function fixOf(text: string, code: string, ctx?: LintContext): string {
  const d = only(text, code, ctx);
  assert.ok(d.fixes.length > 0, `${code} has no fix`);
  return applyEdits(text, d.fixes[0].edits);
}

test('FORWARD append on the command line: moved with -I DOCKER-USER (Docker ≤ 27 ends DOCKER-USER with RETURN)', () => {
  const text = 'iptables -A FORWARD -p tcp --dport 8080 -j DROP\n';
  const d = only(text, 'swarm/not-docker-user');
  assert.deepEqual(d.span, { line: 0, start: 12, end: 19 });
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /Docker's own FORWARD rules .*which already ACCEPT/);
  assert.equal(fixOf(text, 'swarm/not-docker-user'), 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP\n');
});

test('INPUT rule on a published port: never reached; fix moves it to DOCKER-USER with conntrack --ctorigdstport', () => {
  const ctx: LintContext = { publishedPorts: [{ port: 8080, protocol: 'tcp', mode: 'ingress', targetPort: 80, service: 'web' }] };
  const text = 'iptables -A INPUT -p tcp --dport 8080 -s 198.51.100.0/24 -j DROP\n';
  const d = only(text, 'swarm/input-published-port', ctx);
  assert.deepEqual(d.span, { line: 0, start: 25, end: 37 });
  assert.match(d.message, /DNATs it to 172\.18\.0\.2/);
  assert.equal(fixOf(text, 'swarm/input-published-port', ctx), 'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -s 198.51.100.0/24 -j DROP\n');
  // other ports in INPUT are host services: not reported
  assert.deepEqual(codes('iptables -A INPUT -p tcp --dport 5432 -s 198.51.100.0/24 -j DROP\n', ctx), []);
});

test('published ports are learned from a Docker ≥ 28 dump (filter DOCKER-INGRESS)', () => {
  const dump = readFileSync(join(LINT_FIXTURES, 'dumps', 'v28-ipset-host.filter.S.txt'), 'utf8');
  const res = lintRules(`${dump}-A INPUT -p tcp -m tcp --dport 1080 -j DROP\n`);
  assert.ok(res.diagnostics.some((d) => d.code === 'swarm/input-published-port' && /1080\/tcp/.test(d.message)), JSON.stringify(res.diagnostics));
});

test('--dport after DNAT: host-mode publishing changes the port (warning); an unknown mapping says nothing', () => {
  const ctx: LintContext = { publishedPorts: [{ port: 8080, protocol: 'tcp', mode: 'host', targetPort: 80 }] };
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i eth0 -p tcp --dport 8080 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const d = only(text, 'swarm/match-after-dnat', ctx);
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /destination port 80/);
  assert.equal(fixOf(text, 'swarm/match-after-dnat', ctx).split('\n')[1], '-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP');
  assert.deepEqual(codes(text).filter((c) => c === 'swarm/match-after-dnat'), []);
  // same published and container port (Swarm ingress keeps the port): --dport works
  assert.deepEqual(codes(text, { publishedPorts: [{ port: 8080, protocol: 'tcp', mode: 'ingress', targetPort: 8080 }] }).filter((c) => c === 'swarm/match-after-dnat'), []);
  // container egress (-i docker_gwbridge) legitimately matches the real destination port
  assert.deepEqual(codes('-A DOCKER-USER -i docker_gwbridge -p tcp --dport 25 -j REJECT\n-A DOCKER-USER -j RETURN\n'), []);
});

test('-d <host address> in DOCKER-USER never matches after DNAT: fix uses --ctorigdst', () => {
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -d 192.168.33.2/32 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const d = only(text, 'swarm/match-after-dnat', NODE_A);
  assert.deepEqual(d.span, { line: 1, start: 18, end: 33 });
  assert.equal(fixOf(text, 'swarm/match-after-dnat', NODE_A).split('\n')[1], '-A DOCKER-USER -m conntrack --ctorigdst 192.168.33.2/32 --ctdir ORIGINAL -j DROP');
});

test('control/data plane: each Swarm port is protected; the advised --pol none DROP on 4789 is not flagged', () => {
  // the peers are where the file accepts traffic from (here 10.0.0.0/24); a node that blocks 2377 with no other node
  // known (a single-node swarm) is not claimed
  const peers = 'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT\n';
  assert.deepEqual(codes('iptables -A INPUT -p tcp --dport 2377 -j DROP'), []);
  assert.ok(codes(`${peers}iptables -A INPUT -p tcp --dport 2377 -j DROP`).includes('swarm/cuts-control-plane'));
  assert.ok(codes(`${peers}iptables -A INPUT -p tcp -m multiport --dports 7946,9000 -j REJECT`).includes('swarm/cuts-control-plane'));
  assert.deepEqual(codes('iptables -I INPUT -m udp -p udp --dport 4789 -m policy --dir in --pol none -j DROP'), []);
  assert.deepEqual(codes('iptables -A INPUT -p udp --dport 53 -j DROP'), []);
  assert.deepEqual(codes('iptables -A INPUT -m conntrack --ctstate INVALID -j DROP'), []);
  assert.deepEqual(codes('iptables -A INPUT -i lo -j DROP'), []);
  // custom data-path port
  const ctx: LintContext = { swarmPorts: { dataPathPort: 5789 } };
  assert.deepEqual(codes('iptables -A INPUT -p udp --dport 4789 -j DROP', ctx), []);
  const d = only(`${peers}iptables -A INPUT -p udp --dport 5789 -j DROP`, 'swarm/cuts-control-plane', ctx);
  assert.equal(d.severity, 'error');
  assert.match(d.message, /UDP 5789 \(VXLAN overlay data plane/);
});

test('control plane: a default deny after ACCEPTs for all Swarm ports is fine; a missing one is named', () => {
  const base = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 2377,7946 -j ACCEPT', '-A INPUT -p udp -m multiport --dports 7946,4789 -j ACCEPT', '-A INPUT -p esp -j ACCEPT'];
  assert.deepEqual(codes([...base, '-A INPUT -j DROP', 'COMMIT', ''].join('\n')), []);
  const noEsp = [...base.filter((l) => !l.includes('esp')), '-A INPUT -j DROP', 'COMMIT', ''].join('\n');
  assert.deepEqual(codes(noEsp), [], 'ESP only matters for encrypted overlays');
  const d = only(noEsp, 'swarm/cuts-control-plane', { networks: [{ name: 'secure', subnets: ['10.0.9.0/24'], encrypted: true }] });
  assert.equal(d.severity, 'error');
  assert.match(d.message, /ESP/);
  assert.doesNotMatch(d.message, /2377|7946|4789/);
  const noVxlan = [...base.map((l) => l.replace('7946,4789', '7946')), '-A INPUT -j DROP', 'COMMIT', ''].join('\n');
  assert.match(only(noVxlan, 'swarm/cuts-control-plane').message, /UDP 4789/);
});

test('control plane: a DROP restricted by source is judged against the peers (context, or the sources INPUT accepts)', () => {
  const text = 'iptables -A INPUT -s 192.168.33.0/24 -p tcp --dport 2377 -j DROP';
  assert.deepEqual(codes(text), [], 'no peer known to be inside 192.168.33.0/24: not claimed');
  assert.equal(only(text, 'swarm/cuts-control-plane', NODE_A).severity, 'error', 'all peers of node-a are in 192.168.33.0/24');
  assert.deepEqual(codes('iptables -A INPUT -s 203.0.113.0/24 -p tcp --dport 2377 -j DROP', NODE_A), []);
  // the cluster subnet the file accepts is where the peers are
  const own = 'iptables -A INPUT -s 10.1.0.0/24 -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -s 10.1.0.0/16 -p tcp --dport 2377 -j DROP\n';
  assert.deepEqual(codes(own), ['swarm/cuts-control-plane']);
});

test('shadowing and duplicates use the effective order (-I lands first)', () => {
  const text = ['-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', '-A DOCKER-USER -s 198.51.100.7 -p tcp -j RETURN', '-I DOCKER-USER 2 -p tcp -j DROP', '-A DOCKER-USER -j RETURN', ''].join('\n');
  // the RETURN on line 2 lands after the DROP inserted at position 2: one cause, reported once, on the DROP
  const d = only(text, 'rules/insert-order');
  assert.equal(d.span.line, 2);
  assert.equal(d.related?.[0].span.line, 1, 'the exception it hides');
  assert.ok(!codes(text).includes('rules/shadowed'), 'the hidden exception is not a finding of its own');
  // the same order without the insert (an -A DROP first, then the exception): rules/shadowed on the exception
  const appended = ['-A DOCKER-USER -p tcp -j DROP', '-A DOCKER-USER -s 198.51.100.7 -p tcp -j RETURN', ''].join('\n');
  assert.equal(only(appended, 'rules/shadowed').span.line, 1);
  const dup = '-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n-A DOCKER-USER -s 198.51.100.0/255.255.255.0 -j DROP\n';
  assert.equal(only(dup, 'rules/duplicate').span.line, 1, 'netmask and prefix spellings are the same rule');
  assert.equal(fixOf(dup, 'rules/duplicate'), '-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n');
  // a rate-limited rule does not shadow
  assert.ok(!codes('-A DOCKER-USER -p tcp -m limit --limit 5/s -j ACCEPT\n-A DOCKER-USER -p tcp -m limit --limit 5/s -s 10.0.0.1 -j DROP\n').includes('rules/shadowed'));
});

test('-I after -A: warned with the lines it jumps over; fix turns it into -A', () => {
  // (a DROP of one source and nothing else is a ban, meant to go on top: session 14, holdout 37; this one is a policy)
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-I DOCKER-USER -s 198.51.100.0/24 -d 172.18.0.0/16 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const d = only(text, 'rules/insert-order');
  assert.deepEqual(d.span, { line: 1, start: 0, end: 2 });
  assert.match(d.message, /lands ABOVE the exception written before it \(line 1\)/);
  assert.equal(fixOf(text, 'rules/insert-order').split('\n')[1], '-A DOCKER-USER -s 198.51.100.0/24 -d 172.18.0.0/16 -j DROP');
});

test('command-line appends after the node\'s RETURN: warning from the node\'s rules, nothing on a Docker 28 node', () => {
  const est = 'iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n';
  const text = `${est}iptables -A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\niptables -A DOCKER-USER -i eth0 -j DROP\n`;
  const res = lintRules(text, NODE_A).diagnostics.filter((d) => d.code === 'docker-user/after-return');
  assert.equal(res.length, 3);
  // all three never run; only the DROP's not running changes what passes (the exceptions' packets go on to Docker's rules)
  assert.deepEqual(res.map((d) => [d.span.line, d.severity]), [[0, 'info'], [1, 'info'], [2, 'warning']]);
  const fixed = applyEdits(text, res[0].fixes[0].edits);
  assert.equal(fixed, `iptables -D DOCKER-USER -j RETURN\n${est}iptables -A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\niptables -A DOCKER-USER -i eth0 -j DROP\niptables -A DOCKER-USER -j RETURN\n`);
  // without the ESTABLISHED rule the same fix would make the DROP take the replies to container egress: withheld
  const unsafe = lintRules(text.replace(est, ''), NODE_A).diagnostics.filter((d) => d.code === 'docker-user/after-return');
  assert.equal(unsafe.length, 2);
  assert.ok(unsafe.every((d) => d.fixes.every((f) => !f.title.startsWith("Delete Docker's RETURN"))), 'the unsafe fix is not offered');
  assert.ok(!codes(fixed, NODE_A).includes('docker-user/after-return'), 'the fixed command list appends before the RETURN');
  const v28: LintContext = { filterRules: readFileSync(join(LINT_FIXTURES, 'dumps', 'v28-docker-forward.iptables-save.txt'), 'utf8') };
  assert.ok(!codes(text, v28).includes('docker-user/after-return'));
  // without node facts: Docker up to 28.2.1 adds the RETURN — a warning that names the versions
  const plain = lintRules(text).diagnostics.filter((d) => d.code === 'docker-user/after-return');
  assert.equal(plain.length, 3);
  assert.ok(plain.every((d) => /28\.2\.1/.test(d.message) && /28\.2\.2/.test(d.message)));
  assert.deepEqual(plain.map((d) => d.severity), ['info', 'info', 'warning']);
  // a node that reports Docker 28.2.2 or later has no RETURN
  assert.ok(!codes(text, { engineVersion: '28.2.2' }).includes('docker-user/after-return'));
  assert.ok(codes(text, { engineVersion: '27.5.1' }).includes('docker-user/after-return'));
});

test('missing RELATED,ESTABLISHED before a default deny: the fix lands before the deny for -A and for -I files', () => {
  const a = '-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -j RETURN\n';
  assert.equal(fixOf(a, 'docker-user/missing-established'), '-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\n-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -j RETURN\n');
  const i = 'iptables -I DOCKER-USER -i eth0 -j DROP\n';
  const fixed = fixOf(i, 'docker-user/missing-established');
  assert.equal(fixed, 'iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n');
  assert.ok(!codes(fixed).includes('docker-user/missing-established'));
  // a DROP on the original destination port does not take the replies to container egress... unless the container
  // itself talks to a remote port 8080: that is docker-user/ctorig-without-ctdir, not missing-established
  assert.deepEqual(codes('-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP\n-A DOCKER-USER -j RETURN\n'), ['docker-user/ctorig-without-ctdir']);
  assert.deepEqual(codes('-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP\n-A DOCKER-USER -j RETURN\n'), []);
});

test('node-aware: unknown interfaces, subnets of no Docker network, DROPs that also hit overlay networks', () => {
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i eth+ -s 10.0.0.0/16 -j DROP\n-A DOCKER-USER -o docker_gwbridge -d 10.99.0.0/24 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const res = lintRules(text, NODE_A).diagnostics;
  assert.ok(!res.some((d) => d.code === 'node/unknown-interface'), 'eth+ matches eth0, docker_gwbridge exists');
  const m = res.find((d) => d.code === 'node/matches-network');
  assert.ok(m);
  assert.equal(m.message, 'This DROP also matches ingress traffic from 10.0.0.0/24 of network ingress, overlay traffic from 10.0.1.0/24 of network ov0 on node manager1.');
  const u = res.find((d) => d.code === 'node/unknown-subnet');
  assert.ok(u);
  assert.deepEqual(u.span, { line: 2, start: 37, end: 49 });
  // none of this without node facts
  assert.ok(!codes(text).some((c) => c.startsWith('node/')));
});

test('syntax diagnostics of the shared parser are passed through with their spans', () => {
  const d = lintRules('-A DOCKER-USER -p tcp --dprot 8080 -j DROP\n').diagnostics.find((x) => x.code === 'syntax/unknown-option');
  assert.ok(d);
  assert.deepEqual(d.span, { line: 0, start: 22, end: 29 });
  assert.equal(d.severity, 'error');
});

test('the time budget stops a huge lint with an info diagnostic instead of blocking', () => {
  const text = makeRules(20_000);
  const res = new Linter().lint(text, { budgetMs: 0 });
  const t = res.diagnostics.find((d) => d.code === 'lint/truncated');
  assert.ok(t, 'truncated');
  assert.ok(res.ruleCount < 20_000);
});

test('hoverRule says what happens in plain words', () => {
  const rule = (line: string) => {
    const rs = parseRules(line);
    assert.ok(rs.rules[0], line);
    return rs.rules[0];
  };
  assert.match(hoverRule(rule('-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP')), /^TCP packets to original destination port 8080 \(before DNAT\) arriving on eth0 are dropped\./);
  assert.match(hoverRule(rule('-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN')), /^Packets in connection state RELATED or ESTABLISHED return from DOCKER-USER \(Docker's own rules decide next\)\./);
  assert.match(hoverRule(rule('-A DOCKER-USER -i eth0 ! -s 198.51.100.0/24 -j DROP')), /^Packets from anywhere except 198\.51\.100\.0\/24 arriving on eth0 are dropped\./);
  assert.match(hoverRule(rule('-I INPUT -p udp --dport 4789 -m policy --dir in --pol none -j DROP')), /^UDP packets to destination port 4789 that did not go through IPsec are dropped\./);
  assert.match(hoverRule(rule('-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER')), /whose dst is in ipset docker-ext-bridges-v4 jump to chain DOCKER/);
  assert.match(hoverRule(rule('-A DOCKER-USER -p tcp --dport 80 -j ACCEPT')), /already DNATed/);
});

test('unknown interface with a near miss on the node: the quick fix names the node\'s interface', () => {
  const text = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -i eht0 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const d = only(text, 'node/unknown-interface', NODE_A);
  assert.equal(d.fixes[0]?.title, 'Use eth0 (an interface of node manager1)');
  assert.equal(fixOf(text, 'node/unknown-interface', NODE_A).split('\n')[1], '-A DOCKER-USER -i eth0 -j DROP');
  // nothing close: no guess
  assert.deepEqual(only(text.replace('eht0', 'wlan0'), 'node/unknown-interface', NODE_A).fixes, []);
});

test('incremental linter: after many different documents (its string-id table is restarted) it still reports what a cold lint does', () => {
  const linter = new Linter(NODE_A);
  const strip = (ds: LintDiagnostic[]): string => JSON.stringify(ds);
  // each 300-rule document brings ~2,000 new condition/key strings: the table restarts after a few dozen
  for (let seed = 1; seed <= 45; seed++) {
    const text = makeRules(300, 1000 + seed);
    const warm = linter.lint(text);
    if (seed % 5 === 0 || seed > 38) assert.equal(strip(warm.diagnostics), strip(lintRules(text, NODE_A).diagnostics), `document ${seed}`);
    // a one-line edit in between (a duplicate of an earlier rule) is found by the warm linter too
    const lines = text.split('\n');
    lines.splice(200, 0, lines[20]);
    const edited = lines.join('\n');
    const e = linter.lint(edited);
    assert.ok(e.diagnostics.some((d) => d.code === 'rules/duplicate' && d.span.line === 200), `document ${seed}: duplicate of line 21 not reported`);
    if (seed % 9 === 0) assert.equal(strip(e.diagnostics), strip(lintRules(edited, NODE_A).diagnostics), `edited document ${seed}`);
  }
});

test('targets, protocols and set names that are Object.prototype properties are plain (unknown) names', () => {
  const r = lintRules(['-A DOCKER-USER -j constructor', '-A DOCKER-USER -j toString', '-A DOCKER-USER -p constructor -j DROP', '-A DOCKER-USER -m set --match-set __proto__ src -j DROP'].join('\n'));
  for (const d of r.diagnostics) assert.doesNotMatch(d.message, /undefined|function|native code/, d.message);
  assert.equal(r.diagnostics.some((d) => d.code === 'syntax/missing-target-option'), false);
  assert.ok(r.diagnostics.some((d) => d.code === 'syntax/unknown-protocol' && d.span.line === 2));
  // the hover of a rule with such a protocol number table lookup says the name as written
  const rs = parseRules('-A DOCKER-USER -p 6 -j DROP\n-A DOCKER-USER -j constructor');
  assert.match(hoverRule(rs.rules[0]), /TCP/);
  assert.doesNotMatch(hoverRule(rs.rules[1]), /undefined|function/);
});
