/**
 * Text shapes of session 18: the false positives of blind round I (holdouts 52–53, measured once before these
 * changes: docs/lint-holdout52.md, 53.md) that were the linter's own mistakes, each cut from the set named in the
 * test, with a control that keeps the finding where it is right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, findings } from './lint-findings';

test('`iptables -L -vn` (listing flags bundled without the command letter) is a listing call, not an unknown option (holdout 53, mailcow bug reports)', () => {
  for (const call of ['iptables -L -vn', 'iptables -L -nv', 'sudo iptables -L -xvn --line-numbers', 'root@mail:/opt/mailcow-dockerized# iptables -L -vn']) assert.deepEqual(findings(call), [], call);
  // control: a bundle with another letter is still refused
  assert.deepEqual(findings('iptables -L -vq'), ['1 syntax/unexpected-token', '1 syntax/unknown-option']);
});

test('a caption ending in a colon (`iptables -L -vn:` above the pasted output) is text (holdout 53, mailcow#4499)', () => {
  assert.deepEqual(all('iptables -L -vn:'), ['1 info syntax/not-iptables']);
  // control: a colon inside an argument is the argument's (a port range): the rule is read and judged
  assert.deepEqual(findings('iptables -I DOCKER-USER -p tcp --dport 80:90 -j DROP'), ['1 docker-user/cuts-egress']);
});

test('a note in another script after the command (`sudo iptables -L -n    查看iptables规则的情况`) is a note, not arguments (holdout 52, Chinese course notes)', () => {
  assert.deepEqual(all('sudo iptables -L -n    查看iptables规则的情况'), ['1 info syntax/not-iptables']);
  // the rule before the note is judged: an unconditional DOCKER-USER ACCEPT with a Chinese note after it
  assert.deepEqual(findings('iptables -I DOCKER-USER -j ACCEPT  全部放行'), ['1 docker-user/accept-all']);
  // control: a lower-case English word there is still refused (iptables takes options only)
  assert.ok(findings('iptables -L -n show').includes('1 syntax/unexpected-token'));
});

test('a rule behind an unconditional rule of ANOTHER Markdown code block is said as info (a "wrong order" example, then the right one: holdout 52)', () => {
  const guide = ['## wrong', '```bash', 'iptables -A INPUT -j DROP', '```', '## template', '```bash', 'iptables -A INPUT -p tcp --dport 22 -j ACCEPT', '```'].join('\n');
  assert.deepEqual(findings(guide), []);
  assert.ok(all(guide).includes('7 info rules/shadowed'));
  // control: in the same code block it never runs, a warning
  const one = ['```bash', 'iptables -A INPUT -j DROP', 'iptables -A INPUT -p tcp --dport 22 -j ACCEPT', '```'].join('\n');
  assert.deepEqual(findings(one), ['3 rules/shadowed']);
});

test('a wrapper whose chain comes from `local chain=$1; shift` on one line is read at its calls (holdout 52, gate-edge-firewall)', () => {
  const script = [
    'IPT="${IPT:-iptables}"',
    'ensure_rule() {',
    '  local chain=$1; shift',
    '  if "$IPT" -C "$chain" "$@" 2>/dev/null; then',
    '    echo present',
    '  else',
    '    "$IPT" -I "$chain" "$@"',
    '  fi',
    '}',
    'ensure_rule DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 5432 -j DROP',
  ].join('\n');
  assert.deepEqual(findings(script), ['10 docker-user/ctorig-without-ctdir']);
});

test("a reset function's flush that rebuilds the chain does not flush another function's rules; a cleanup's flush before -X does (holdout 52, docker-user-rules)", () => {
  const script = (reset: string[]) => [
    'apply_chain() {',
    '  iptables -F DOCKER-USER',
    '  iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
    '  iptables -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8000 -j DROP',
    '  iptables -A DOCKER-USER -j RETURN',
    '}',
    'reset_chain() {',
    ...reset,
    '}',
    'case "$1" in apply) apply_chain ;; flush) reset_chain ;; esac',
  ].join('\n');
  assert.deepEqual(findings(script(['  iptables -F DOCKER-USER', '  iptables -A DOCKER-USER -j RETURN'])), []);
  // control: a cleanup of a chain of its own flushes it before deleting it (no "chain not empty")
  const cleanup = ['setup() {', '  iptables -N CF', '  iptables -A CF -s 203.0.113.0/24 -j RETURN', '  iptables -I DOCKER-USER -j CF', '}', 'cleanup() {', '  iptables -D DOCKER-USER -j CF', '  iptables -F CF', '  iptables -X CF', '}'].join('\n');
  assert.ok(!findings(cleanup).some((f) => f.includes('chain-not-empty')), findings(cleanup).join(', '));
});

test('`-d <one LAN address> -j DROP` in DOCKER-USER blocks the containers\' traffic to that host: no reply of theirs is taken (holdout 52, an Italian course)', () => {
  assert.deepEqual(findings('sudo iptables -I DOCKER-USER -d 192.168.1.100 -j DROP'), []);
  // control: a container's address (Docker's default pools) or a private range of its own network: its replies are taken
  assert.deepEqual(findings('sudo iptables -I DOCKER-USER -i eth0 -d 172.20.0.5 -j DROP'), ['1 docker-user/missing-established']);
  assert.deepEqual(findings('sudo iptables -I DOCKER-USER -i eth0 -d 192.168.200.0/24 -j DROP'), ['1 docker-user/missing-established']);
});
