/**
 * Wrapper functions of scripts (src/core/lint/shellFunctions.ts), cut from holdout 4's sets (docs/lint-holdout.md):
 * the agentic runner's `add_rule`/`del_rule` (`iptables -C … "$@" || iptables -A … "$@"`, up/down functions), the
 * renderer's `ensure iptables CHAIN …` (`"$_cmd" -I "$_chain" "$@"` after `_cmd=$1; _chain=$2; shift 2`), and the
 * VPS hardening `harden iptables` whose body holds the rules (`"$ipt" -A DOCKER-USER …`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { expandWrappers } from '../../src/core/lint/shellFunctions';

const at = (text: string, code: string) => lintRules(text).diagnostics.filter((d) => d.code === code).map((d) => d.span.line + 1);

const RUNNER = [
  'add_rule() {',
  '  iptables -C DOCKER-USER "$@" 2>/dev/null || iptables -A DOCKER-USER "$@"',
  '}',
  'del_rule() {',
  '  while iptables -C DOCKER-USER "$@" 2>/dev/null; do',
  '    iptables -D DOCKER-USER "$@"',
  '  done',
  '}',
  'up() {',
  '  for cidr in 10.0.0.0/8 169.254.0.0/16; do',
  '    add_rule -s 172.31.255.0/24 -d "$cidr" -j DROP',
  '  done',
  '}',
  'down() {',
  '  for cidr in 10.0.0.0/8 169.254.0.0/16; do',
  '    del_rule -s 172.31.255.0/24 -d "$cidr" -j DROP',
  '  done',
  '}',
  'case "$1" in up) up ;; down) down ;; esac',
  '',
].join('\n');

test('a wrapper that passes "$@" on: each call is read as the rule it runs, the template as nothing; findings land on the call, without fixes', () => {
  const e = expandWrappers(RUNNER);
  assert.ok(e);
  const lines = e.text.split('\n');
  assert.equal(lines[1], '');
  assert.equal(lines[10], '    iptables -C DOCKER-USER -s 172.31.255.0/24 -d "$cidr" -j DROP 2>/dev/null || iptables -A DOCKER-USER -s 172.31.255.0/24 -d "$cidr" -j DROP');
  assert.deepEqual([...e.calls].sort((a, b) => a - b), [10, 15]);
  // appended after Docker's RETURN (≤ 28.2.1); the down() function's -D is an alternative, not run after up()
  const ds = lintRules(RUNNER).diagnostics.filter((d) => d.code === 'docker-user/after-return');
  assert.deepEqual(ds.map((d) => [d.span.line + 1, d.span.start, d.span.end]), [[11, 4, RUNNER.split('\n')[10].length]]);
  assert.deepEqual(ds[0].fixes, []);
  // no syntax finding for the template's "$@" nor the call
  assert.deepEqual(lintRules(RUNNER).diagnostics.filter((d) => d.code.startsWith('syntax/') && d.severity !== 'info'), []);
});

test('a -D in the same function as its add still deletes; one in another function does not', () => {
  const same = 'up() {\n  iptables -A DOCKER-USER -s 10.9.0.0/16 -j DROP\n  iptables -D DOCKER-USER -s 10.9.0.0/16 -j DROP\n}\nother() {\n  :\n}\n';
  assert.deepEqual(at(same, 'docker-user/after-return'), []);
  assert.deepEqual(at(same.replace('  iptables -D DOCKER-USER -s 10.9.0.0/16 -j DROP\n}\nother() {\n  :\n', '}\nother() {\n  iptables -D DOCKER-USER -s 10.9.0.0/16 -j DROP\n'), 'docker-user/after-return'), [2]);
});

test('a wrapper with the binary and chain as arguments (`ensure iptables DOCKER-USER …`, shift 2): read at the call', () => {
  const text = [
    'ensure() {',
    '  _cmd=$1',
    '  _chain=$2',
    '  shift 2',
    '  if ! "$_cmd" -C "$_chain" "$@" 2>/dev/null; then',
    '    "$_cmd" -I "$_chain" "$@"',
    '  fi',
    '}',
    'ensure iptables DOCKER-USER -p udp --dport 53 -j ACCEPT',
    'ensure iptables DOCKER-USER -d 10.0.0.0/8 -m conntrack --ctstate NEW -j DROP',
    '',
  ].join('\n');
  // -I puts the DROP written second above the DNS ACCEPT written first
  assert.deepEqual(at(text, 'rules/insert-order'), [10]);
  // (the call reads as the rule it adds: the `-C` check around it is the function's guard, holdout 50)
  assert.equal(expandWrappers(text)?.text.split('\n')[8], 'iptables -I DOCKER-USER -p udp --dport 53 -j ACCEPT');
});

test('a function whose body holds the rules with the binary as its argument is read in place with the first IPv4 call', () => {
  const text = 'harden() {\n  local ipt="$1"\n  "$ipt" -F DOCKER-USER\n  "$ipt" -A DOCKER-USER -p udp --dport 4789 -j RETURN\n  "$ipt" -A DOCKER-USER -j DROP\n}\nharden ip6tables\nharden iptables\n';
  assert.deepEqual(at(text, 'docker-user/swarm-port'), [4]);
  assert.deepEqual(at(text, 'docker-user/cuts-egress'), [5]);
  // never called: nothing is expanded
  assert.equal(expandWrappers('f() {\n  iptables -A DOCKER-USER "$@"\n}\n'), undefined);
});
