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
