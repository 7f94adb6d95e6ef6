/**
 * Judgments changed after holdout 3 was measured (docs/lint-holdout.md, "Holdout 3": measured once, then spent on
 * these fixes). Each case is a published pattern the linter misjudged, cut down to the lines that matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import type { LintContext, LintDiagnostic } from '../../src/core/lint/types';

const findings = (text: string, code: string): LintDiagnostic[] => lintRules(text).diagnostics.filter((d) => d.code === code);
const lines = (ds: LintDiagnostic[]): number[] => ds.map((d) => d.span.line + 1);

test('ctorig-without-ctdir: a rule that matches only NEW connections never sees a reply (homelab-portainer:8)', () => {
  const text = [
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdstport 9000 -j DROP',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 9001 -m conntrack --ctstate NEW -j DROP',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 9002 -j DROP',
    'iptables -I DOCKER-USER -p tcp -m conntrack ! --ctstate NEW --ctorigdstport 9004 -j DROP',
    'iptables -I DOCKER-USER -p tcp -m state --state NEW -m conntrack --ctorigdstport 9005 -j DROP',
  ].join('\n');
  assert.deepEqual(lines(findings(text, 'docker-user/ctorig-without-ctdir')), [3, 4]);
});

test('ctstate/state names in lower case: iptables 1.8.9 takes them (checked in a scratch namespace), and they count as ESTABLISHED (zh-centos:38,41,43)', () => {
  const text = 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 80 -j DROP\niptables -I DOCKER-USER -m conntrack --ctstate established,related -j ACCEPT\niptables -I INPUT -m state --state established -j ACCEPT\n';
  const ds = lintRules(text).diagnostics;
  assert.deepEqual(ds.filter((d) => d.code === 'syntax/bad-value'), []);
  assert.deepEqual(ds.filter((d) => d.code === 'docker-user/missing-established'), []);
  assert.deepEqual(lines(findings('iptables -I INPUT -m state --state establishd -j ACCEPT\n', 'syntax/bad-value')), [1], 'a misspelt name is still refused');
});

test('wipes-docker: iptables-save filtered by grep back into iptables-restore drops what the filter removed (zh-firewall-manager:15, checked in a scratch namespace)', () => {
  const text = [
    'iptables-save | grep -v -E "(DOCKER|DOCKER-USER)" | iptables-restore',
    'iptables-save | grep -v DOCKER | iptables-restore --noflush',
    'iptables-save | grep -v f2b- | iptables-restore',
    'systemctl stop docker',
    'iptables-save | grep -v DOCKER | iptables-restore',
    'systemctl start docker',
  ].join('\n');
  const ds = findings(text, 'rules/wipes-docker');
  assert.deepEqual(lines(ds), [1]);
  assert.match(ds[0].message, /flushes every table it loads: the lines the filter removed \(here Docker's chains and jumps\) are gone/);
});

test("not-docker-user: Docker 1.13–17.05's DOCKER-ISOLATION is Docker's own chain (moby#29407:7)", () => {
  assert.deepEqual(lines(findings('iptables -A DOCKER-ISOLATION -d 10.1.1.1 -j RETURN\n', 'swarm/not-docker-user')), [1]);
});

test('match-after-dnat: `! --dport 8080` meant to spare the published port 8080→80 takes it after DNAT (k8s-lab:15); explained, no fix', () => {
  const text = 'docker run -d --name web-test -p 8080:80 nginx\niptables -I DOCKER-USER -i eth0 -p tcp ! --dport 8080 -j DROP\niptables -I DOCKER-USER -i eth0 -p tcp -m multiport ! --dports 80,8080 -j DROP\n';
  const ctx: LintContext = { nodeName: 'lab-host', publishedPorts: [{ port: 8080, protocol: 'tcp', targetPort: 80, mode: 'host', service: 'web-test' }] };
  const ds = lintRules(text, ctx).diagnostics.filter((d) => d.code === 'swarm/match-after-dnat');
  assert.deepEqual(lines(ds), [2]);
  assert.match(ds[0].message, /published port 8080 now has destination port 80 \(the container's port\), so `! --dport 8080` does not spare it: this rule takes the very port it meant to leave open/);
  assert.deepEqual(ds[0].fixes, []);
});

test('ip6tables lines are the IPv6 rule set: never merged into the IPv4 chains (dokploy-hardening:7–20, homeserver:24)', () => {
  const text = [
    'iptables -I DOCKER-USER -i eth0 -j DROP',
    'ip6tables -I DOCKER-USER -i eth0 -j DROP',
    'sudo /sbin/ip6tables -A INPUT -p icmpv6 --icmpv6-type echo-request -j ACCEPT',
    'ip6tables -I DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'iptables -I DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ].join('\n');
  const ds = lintRules(text).diagnostics;
  assert.deepEqual(ds.filter((d) => d.span.line === 1 || d.span.line === 2 || d.span.line === 3).map((d) => `${d.span.line + 1} ${d.code}`), []);
  // the IPv4 rules are judged as before: without the IPv6 lines there is nothing to say either
  assert.deepEqual(ds.map((d) => d.code), []);
  // and an IPv4 mistake is still found next to IPv6 lines
  assert.deepEqual(lines(findings('ip6tables -I DOCKER-USER -i eth0 -j DROP\niptables -A DOCKER-USER -i eth0 -j DROP\n', 'docker-user/after-return')), [2]);
});

test('a shell variable as the target (-j "$pass", -j ${T}) is unknown, not an unknown target (barlito:71,76–79)', () => {
  const text = 'pass=ACCEPT\niptables -I DOCKER-USER -s 10.0.0.1 -j "$pass"\niptables -I DOCKER-USER -s 10.0.0.2 -j ${T}\niptables -I DOCKER-USER -s 10.0.0.3 -j ACCPT\n';
  assert.deepEqual(lines(findings(text, 'syntax/unknown-target')), []);
  assert.deepEqual(lines(findings(text, 'syntax/target-typo')), [4], 'a misspelt target written out is still said');
});

test('a REJECT appended to Docker\'s DOCKER-ISOLATION chain is the user\'s (Docker never writes REJECT): swarm/not-docker-user', () => {
  // moby#29407 (holdout3/moby-29407-reject-in-docker-isolation): block the containers from the AD domain controllers
  const text = 'iptables -A DOCKER-ISOLATION -d ad-domain-controllers.example.com \\\n -i docker0 -j REJECT --reject-with icmp-port-unreachable\n';
  const d = lintRules(text).diagnostics.filter((x) => x.code === 'swarm/not-docker-user');
  assert.deepEqual(d.map((x) => [x.span.line, x.severity]), [[0, 'warning']]);
  // the same bridge rule with Docker's own shape (a DROP between bridges, as Docker writes it) stays a harmless copy
  assert.deepEqual(lintRules('iptables -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\n').diagnostics.filter((x) => x.code === 'swarm/not-docker-user'), []);
});
