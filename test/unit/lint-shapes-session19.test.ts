/**
 * Text shapes of session 19: the false positives of blind round J (holdouts 54–55, measured once before these
 * changes: docs/lint-holdout54.md, 55.md) that were the linter's own mistakes, each cut from the set named in the
 * test, with a control that keeps the finding where it is right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linter, lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';

test("a script's IPv6 restore here-document (for ip6tables-restore) is not read as the IPv4 table (holdout 54, a geo-IP allow-list script)", () => {
  const script = [
    'iptables -N LOGDROP 2>/dev/null || true',
    'iptables -A LOGDROP -j DROP',
    'cat > /tmp/v4 <<EOF',
    '*filter',
    ':GEO - [0:0]',
    '-A GEO -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
    '-A GEO -s 10.0.0.0/8 -j RETURN',
    '-A GEO -j LOGDROP',
    'COMMIT',
    'EOF',
    'iptables-restore --noflush < /tmp/v4',
    'iptables -I DOCKER-USER 1 -j GEO',
    'cat > /tmp/v6 <<EOF',
    '*filter',
    ':GEO_V6 - [0:0]',
    '-A GEO_V6 -s fe80::/10 -j RETURN',
    '-A GEO_V6 -j DROP',
    'COMMIT',
    'EOF',
    'ip6tables-restore --noflush < /tmp/v6',
    'ip6tables -I DOCKER-USER 1 -j GEO_V6',
  ].join('\n');
  // before: the second *filter replaced the first (LOGDROP an unknown target) and GEO_V6 was an unused IPv4 chain
  assert.deepEqual(findings(script), []);
  // control: an ip6tables-save dump alone is still read and judged as the text it is
  const dump = ['*filter', ':FORWARD DROP [0:0]', ':DOCKER-USER - [0:0]', '-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -s 2001:db8::/32 -j DROP', '-A DOCKER-USER -s 2001:db8::/32 -j DROP', 'COMMIT'].join('\n');
  assert.deepEqual(findings(dump), ['6 rules/duplicate']);
});

test("a program's string that opens with a table line (Go's ``const rules = `*filter``) is restore text from there on (holdout 54, a Go test's iptables-save constants)", () => {
  const go = [
    'const v4 = `*filter',
    ':DOCKER-CT - [0:0]',
    ':DOCKER-FORWARD - [0:0]',
    '-A FORWARD -j DOCKER-FORWARD',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    'COMMIT',
    '`',
    '',
    'const v6 = `*filter',
    ':DOCKER-FORWARD - [0:0]',
    '-A FORWARD -j DOCKER-FORWARD',
    'COMMIT',
    '*nat',
    ':DOCKER - [0:0]',
    '-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER',
    'COMMIT',
    '`',
  ].join('\n');
  // before: `:DOCKER-FORWARD` of the second string was "outside a *table section" and "declared twice"
  assert.deepEqual(findings(go), []);
  assert.ok(!all(go).some((d) => d.startsWith('2 ') || d.startsWith('10 ')), all(go).join('; '));
  // the table line read from the string keeps the per-line cache exact: an edit after it re-lints as a fresh lint does
  const linter = new Linter();
  linter.lint(go);
  const edited = go.replace('-A DOCKER-FORWARD -j DOCKER-CT', '-A DOCKER-FORWARD -j DOCKER-CT -m comment --comment x');
  assert.deepEqual(linter.lint(edited).diagnostics, lintRules(edited).diagnostics);
  // control: a quoted word that is not a table name opens nothing
  assert.deepEqual(all('x = "*fil'), ['1 info syntax/not-iptables']);
});

test("a guide's shortened bridge id (`br-abc123`) is a Docker bridge: Docker's own rules written out as commands are not the reader's (holdout 54, a networking deep-dive)", () => {
  const guide = ['# Docker adds:', 'iptables -A DOCKER-CT -o br-abc123 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'iptables -A DOCKER-BRIDGE -o br-abc123 -j DOCKER', 'iptables -A DOCKER ! -i br-abc123 -o br-abc123 -j DROP', 'iptables -A DOCKER-FORWARD -i br-abc123 -j ACCEPT'].join('\n');
  assert.deepEqual(findings(guide), []);
  // control: a bridge of another name (`br-lan`) in Docker's chain is the user's rule, written where Docker rewrites it
  assert.deepEqual(findings('iptables -A DOCKER-FORWARD -i br-lan -j ACCEPT'), ['1 swarm/not-docker-user']);
});

test('two lines that each leave a quote open are one string across lines (`az vm run-command invoke --scripts "` … `"`): an info, not two errors (holdout 54, a demo teardown)', () => {
  const script = ['az vm run-command invoke \\', '  --command-id RunShellScript \\', '  --scripts "', '    iptables -F DOCKER-USER', '  " \\', '  --query "value[0].message" -o tsv'].join('\n');
  assert.deepEqual(findings(script), []);
  assert.deepEqual(all(script).filter((d) => d.includes('unterminated-quote')), ['3 info syntax/unterminated-quote', '6 info syntax/unterminated-quote']);
  // control: one quote left open is still refused by the shell
  assert.deepEqual(findings('iptables -A DOCKER-USER -m comment --comment "open -j DROP'), ['1 syntax/unterminated-quote']);
});

test('a rule with neither a condition nor a target (`iptables -I DOCKER` in a sentence\'s inline code) filters nothing: no "not DOCKER-USER" (holdout 54, Chinese proxy notes)', () => {
  assert.deepEqual(findings('> 注意：`iptables -I DOCKER` 插入到 DROP 规则之前有效。'), []);
  // control: a port ACCEPT written into Docker's DOCKER chain is still said
  assert.deepEqual(findings('iptables -I DOCKER 1 -p tcp --dport 255 -j ACCEPT'), ['1 swarm/not-docker-user']);
});

test('a call without parentheses that runs its string (`run_command "iptables …";`, `assert_script_run "…"`) is read as the command; its ip6tables twin too (holdout 54, an openQA test)', () => {
  const perl = ['if (script_run("iptables -L -v | grep -q DOCKER") == 0) {', '    run_command "iptables -I DOCKER-USER -j ACCEPT";', '    run_command "ip6tables -I DOCKER-USER -j ACCEPT";', '}'].join('\n');
  assert.deepEqual(findings(perl), ['2 docker-user/accept-all', '3 docker-user/accept-all']);
  // control: a string that is printed is not run
  assert.deepEqual(findings('print "iptables -I DOCKER-USER -j ACCEPT";'), []);
});

test('`-m bpf --bytecode` is read as iptables reads it: a bytecode a guide elides (`"..."`) is refused (kernel-checked; holdout 55, a Chinese Swarm overlay guide)', () => {
  const rule = (b: string) => `iptables -A INPUT -p udp --dport 4789 -m bpf --bytecode "${b}" -j DROP`;
  // kernel (iptables 1.8.9): "bpf: error parsing program length", "illegal zero length program", "error at instr 0",
  // "parsed program length is less than the encoded length parameter", "real program length exceeds …"
  for (const b of ['...', '0,', '1,6 0 0', '1,0x6 0 0 0', '2,6 0 0 0', '1,6 0 0 0,6 0 0 0', '1 ,6 0 0 0']) assert.ok(findings(rule(b)).includes('1 syntax/bad-value'), b);
  // accepted by the kernel: a trailing comma, blanks before the count, Docker's own encrypted-overlay program
  for (const b of ['1,6 0 0 0', '1,6 0 0 0,', ' 1,6 0 0 0', '4,48 0 0 9,21 0 1 50,6 0 0 1,6 0 0 0', '$BPF']) assert.deepEqual(findings(rule(b)).filter((f) => f.includes('syntax/')), [], b);
});
