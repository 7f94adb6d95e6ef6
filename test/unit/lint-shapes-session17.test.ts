/**
 * Text shapes of session 17: the two false positives of blind round G (holdouts 48–49, measured once in session 16
 * before these changes: docs/lint-holdout48.md, 49.md) that were the linter's own mistakes, each cut from the set
 * named in the test, with a control that keeps the finding where it is right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, findings } from './lint-findings';

test('`for ipt in iptables ip6tables; do $ipt -F DOCKER-USER …` flushes the IPv6 chain too: the ip6tables rules appended after it are not behind Docker\'s RETURN (holdout 48, ko-home-server docker-user-fw)', () => {
  const script = (loop: string, body: string[]) => [
    'set -eu',
    'IFACE="enp6s0"',
    `for ipt in ${loop}; do`,
    ...body,
    'done',
    'iptables  -A DOCKER-USER -i "$IFACE" -j DROP',
    'ip6tables -A DOCKER-USER -i "$IFACE" -j DROP',
    'iptables  -A DOCKER-USER -j RETURN',
    'ip6tables -A DOCKER-USER -j RETURN',
  ].join('\n');
  const flushed = ['    $ipt -N DOCKER-USER 2>/dev/null || true', '    $ipt -F DOCKER-USER', '    $ipt -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN'];
  assert.deepEqual(findings(script('iptables ip6tables', flushed)), []);
  // the same loop with "${ipt}" written braced and quoted
  assert.deepEqual(findings(script('iptables ip6tables', flushed.map((l) => l.replace('$ipt', '"${ipt}"')))), []);
  // controls: a loop over iptables only leaves the IPv6 chain as Docker made it (up to 28.2.1: its RETURN first)
  assert.deepEqual(findings(script('iptables', flushed)), ['9 docker-user/after-return']);
  // and a loop over both families that does not flush: Docker's RETURN stays in front of the ip6tables appends
  assert.ok(findings(script('iptables ip6tables', [flushed[0], flushed[2]])).includes('7 docker-user/after-return'));
});

test('the same rule in two snippets of an issue thread, prose between them, is said as info, not a duplicate to delete (holdout 49, ufw-docker#75)', () => {
  const thread = [
    'red-gecko27 · description · 2022-07-08',
    '-A DOCKER-USER -j RETURN -s 10.0.0.0/8',
    '-A DOCKER-USER -j RETURN -s 172.16.0.0/12',
    '-A DOCKER-USER -j RETURN -s 192.168.0.0/16',
    '',
    'These lines expose containers on public wifi...',
    '',
    'red-gecko27 · comment · 2022-07-11',
    'Solved:',
    '',
    '`',
    '# -A DOCKER-USER -j RETURN -s 10.0.0.0/8',
    '-A DOCKER-USER -j RETURN -s 172.16.0.0/12',
    '# -A DOCKER-USER -j RETURN -s 192.168.0.0/16',
    '`',
  ].join('\n');
  assert.deepEqual(findings(thread), []);
  assert.ok(all(thread).includes('13 info rules/duplicate'), all(thread).join('\n'));
  // control: the same two copies with only blank lines and comments between them are one rule set: a duplicate
  const oneSet = thread.split('\n').filter((l) => !/·|expose|Solved|^`$/.test(l)).join('\n');
  assert.deepEqual(findings(oneSet), ['8 rules/duplicate']);
  // and a script's copies (commands) are not snippets, whatever its echo lines say
  const script = ['iptables -I DOCKER-USER -s 198.51.100.0/24 -j DROP', 'echo "These lines expose containers"', 'iptables -I DOCKER-USER -s 198.51.100.0/24 -j DROP'].join('\n');
  assert.deepEqual(findings(script), ['3 rules/duplicate']);
});
