/**
 * Text shapes of session 13, each cut from the spent holdout set named in the test: Docker's nat-table rules quoted
 * as `-S` lines in prose (no `-t nat`, no `*nat`), and argv lists a program writes over several lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';

const findings = (text: string) => lintRules(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);

test("Docker's DNAT rules quoted as `-S` lines in a post are the nat table's: no unknown-target error, no rule that never runs (holdout 29, ja-diary)", () => {
  const text = [
    '- dockerはiptablesにより2つのルールを設定する。',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    ' → <addr>=127.0.0.1を指定した場合',
    '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    'sudo iptables -I DOCKER-USER -s 203.0.113.9 -p tcp --dport 80 -j REJECT',
  ].join('\n');
  assert.ok(!findings(text).some((f) => f.startsWith('2 ') || f.startsWith('5 ')), findings(text).join('; '));
  // a command that puts DNAT in the filter table is still refused by iptables
  assert.deepEqual(findings('iptables -A DOCKER -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80\n'), ['1 syntax/unknown-target']);
  // and so is a nat-only target in a *filter section
  assert.ok(findings('*filter\n-A FORWARD -j MASQUERADE\nCOMMIT\n').includes('2 syntax/unknown-target'));
});

test('an argv list over several lines is the one command it is (holdout 30: director-sandbox TypeScript, ru-agent-sandbox Python)', () => {
  const ts = [
    '      await this.executeCommand([',
    '        "sudo", "iptables", "-I", "DOCKER-USER", "1", "-j", "DROP"',
    '      ]);',
    '      await this.executeCommand([',
    '        "sudo", "iptables", "-A", "DOCKER-USER", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"',
    '      ]);',
  ].join('\n');
  assert.deepEqual(findings(ts), ['2 docker-user/cuts-egress', '2 docker-user/missing-established', '5 rules/shadowed']);
  const py = [
    'subprocess.run([',
    '    "iptables", "-A", "DOCKER-USER",',
    '    "-i", "eth0",  # from outside',
    '    "-j", "DROP",',
    '], check=True)',
  ].join('\n');
  assert.deepEqual(findings(py), ['2 docker-user/after-return', '2 docker-user/missing-established']);
  // one that never closes, or holds a spread, is not read
  assert.deepEqual(findings('subprocess.run([\n    "iptables", "-A", "DOCKER-USER",\n    "-j", "DROP"\n'), []);
  assert.deepEqual(findings('subprocess.run([\n    "iptables", "-A", "DOCKER-USER",\n    *args, "-j", "DROP"])\n'), []);
  // a printed list is not run
  assert.deepEqual(findings('print([\n    "iptables", "-A", "DOCKER-USER",\n    "-j", "DROP"])\n'), []);
});
