/**
 * Judgments changed after the holdouts (docs/lint-holdout.md): each case is a published pattern that was misjudged,
 * cut down to the lines that matter, with the finding an expert expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import type { LintDiagnostic } from '../../src/core/lint/types';

const findings = (text: string, code: string): LintDiagnostic[] => lintRules(text).diagnostics.filter((d) => d.code === code);
const lines = (ds: LintDiagnostic[]): number[] => ds.map((d) => d.span.line + 1);

test('cuts-egress: an unconditional DROP after port exceptions is a warning; a port-bound DROP is info, the same for every port', () => {
  const all = findings('iptables -F DOCKER-USER\niptables -A DOCKER-USER -p tcp --dport 80 -j RETURN\niptables -A DOCKER-USER -j DROP\n', 'docker-user/cuts-egress');
  assert.deepEqual(all.map((d) => [d.span.line + 1, d.severity]), [[3, 'warning']]);
  for (const port of [80, 443, 3000, 5432, 9092, 18789]) {
    const ds = findings(`iptables -I DOCKER-USER -p tcp --dport ${port} -j DROP\n`, 'docker-user/cuts-egress');
    assert.deepEqual(ds.map((d) => d.severity), ['info'], `port ${port}`);
    assert.match(ds[0].message, new RegExp(`containers' own connections to port ${port} on other hosts`));
  }
  // a container-source RETURN before it: the containers' own connections never reach the port DROP
  const after = 'iptables -F DOCKER-USER\niptables -A DOCKER-USER -s 172.16.0.0/12 -j RETURN\niptables -A DOCKER-USER -p tcp --dport 18789 -j DROP\n';
  assert.deepEqual(findings(after, 'docker-user/cuts-egress'), []);
  // an interface condition: only incoming traffic
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -p tcp --dport 5432 -j DROP\n', 'docker-user/cuts-egress'), []);
});

test('wipes-docker: a flush while the script has Docker stopped is not reported; after the restart it is', () => {
  const stopped = '/etc/init.d/docker stop\niptables -F\niptables -X\n/etc/init.d/docker start\n';
  assert.deepEqual(findings(stopped, 'rules/wipes-docker'), []);
  assert.deepEqual(lines(findings('systemctl stop docker\nsystemctl start docker\niptables -F\n', 'rules/wipes-docker')), [3]);
  assert.deepEqual(lines(findings('iptables -F\n', 'rules/wipes-docker')), [1]);
});

test('after-return: `-N DOCKER-USER 2>/dev/null || iptables -F DOCKER-USER` leaves the chain empty; `|| true` does not', () => {
  const flushed = 'iptables -N DOCKER-USER 2>/dev/null || iptables -F DOCKER-USER\niptables -A DOCKER-USER -i eth0 -j DROP\n';
  assert.deepEqual(findings(flushed, 'docker-user/after-return'), []);
  const kept = 'iptables -N DOCKER-USER 2>/dev/null || true\niptables -A DOCKER-USER -i eth0 -j DROP\n';
  assert.deepEqual(lines(findings(kept, 'docker-user/after-return')), [2]);
});

test('missing-established: a DROP for one container address is judged with that container\'s replies', () => {
  const text = 'iptables -I DOCKER-USER -i ens33 -d 172.18.0.101 -j DROP\niptables -I DOCKER-USER -i ens33 -s 192.168.150.220 -p tcp -d 172.18.0.101 --dport 3690 -j ACCEPT\n';
  assert.deepEqual(lines(findings(text, 'docker-user/missing-established')), [1]);
  // a public address (the metadata endpoint) is not a container: nothing to say
  assert.deepEqual(findings('iptables -I DOCKER-USER -d 169.254.169.254 -j DROP\n', 'docker-user/missing-established'), []);
});

test('syntax: an address iptables accepts (000.000.00.000 is 0.0.0.0) is not a syntax error', () => {
  assert.deepEqual(lintRules('iptables -I DOCKER-USER -i eth0 -s 000.000.00.000 -j ACCEPT\n').diagnostics.filter((d) => d.code.startsWith('syntax/')), []);
  assert.equal(findings('iptables -I DOCKER-USER -s 300.1.1.1 -j ACCEPT\n', 'syntax/bad-address').length, 1);
});

test('not-a-command: bare -A lines in a #! script are reported once per block and not judged as rules; a heredoc body is file content', () => {
  const script = '#!/bin/bash\nset -e\niptables -I INPUT -p tcp --dport 22 -j ACCEPT\n\n-A DOCKER-USER -p tcp --dport 3000 -j ACCEPT\n-A DOCKER-USER -j RETURN\n-A DOCKER-USER -p tcp --dport 5432 -j REJECT\n';
  const ds = lintRules(script).diagnostics.filter((d) => d.severity !== 'info');
  assert.deepEqual(ds.map((d) => [d.code, d.span.line + 1]), [['syntax/not-a-command', 5]]);
  assert.match(ds[0].message, /Lines 5–7 .*command not found.*set -e/);
  const heredoc = "#!/bin/sh\ncat > /etc/iptables/rules.v4 <<'EOF'\n*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -m conntrack --ctstate NEW -j DROP\nCOMMIT\nEOF\n";
  assert.deepEqual(findings(heredoc, 'syntax/not-a-command'), []);
  // notes without a #! line mix both forms on purpose: not reported
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -i eth0 -j DROP\n', 'syntax/not-a-command'), []);
});
