/**
 * Text shapes of session 15, each cut from the blind holdout set named in the test (holdouts 43–45, measured once
 * before these changes: docs/lint-holdout43.md … 45.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, findings } from './lint-findings';


test('pssh\'s status line above each node\'s listing (`[1] 17:55:32 [SUCCESS] server9:22`) is a tool\'s text, not a rule with a bad counter (holdout 45, moby-33338)', () => {
  const text = [
    'This is my iptables for the 10 nodes',
    '',
    '```',
    '[1] 17:55:32 [SUCCESS] server9:22',
    'Chain INPUT (policy ACCEPT 3 packets, 748 bytes)',
    'num   pkts bytes target     prot opt in     out     source               destination',
    '1        0     0 ACCEPT     tcp  --  eth0   any     anywhere             anywhere             tcp dpt:2377',
    '[2] 17:55:32 [FAILURE] server5:22 Exited with error code 1',
    '```',
  ].join('\n');
  assert.deepEqual(findings(text), []);
  assert.ok(all(text).includes('4 info syntax/not-iptables'), all(text).join('; '));
  // a save file's counters are still read, and a bad one outside a section is still an error when a command follows
  assert.deepEqual(findings('[5:300] -A DOCKER-USER -i eth0 -j RETURN\n'), []);
  assert.deepEqual(findings('[1x] -A DOCKER-USER -i eth0 -j RETURN\n'), ['1 syntax/bad-counters']);
});

test('a wrapper called with "$IP6TABLES" runs ip6tables: its rules are the IPv6 set, not IPv4 duplicates inserted above the IPv4 exceptions (holdout 44, hermes-exposure-guard)', () => {
  const text = [
    '#!/usr/bin/env bash',
    'IPTABLES=/usr/sbin/iptables',
    'IP6TABLES=/usr/sbin/ip6tables',
    'ensure_rule() {',
    '  local bin="$1"',
    '  shift',
    '  if ! "$bin" -w 5 -C DOCKER-USER "$@" >/dev/null 2>&1; then',
    '    "$bin" -w 5 -I DOCKER-USER 1 "$@"',
    '  fi',
    '}',
    'ensure_rule "$IPTABLES" -s 172.18.0.0/16 -p tcp --dport 18789 -j ACCEPT',
    'ensure_rule "$IPTABLES" -p tcp --dport 18789 -j DROP',
    'ensure_rule "$IP6TABLES" -p tcp --dport 18789 -j DROP',
  ].join('\n');
  // the IPv4 DROP lands above its exception (each call inserts at 1): said; the IPv6 copy is no duplicate of it
  assert.deepEqual(findings(text), ['12 rules/insert-order']);
  // `$IPT6 -F` is ip6tables too: the IPv4 judgments leave it out
  assert.ok(!findings('IPT6=/sbin/ip6tables\n$IPT6 -F\n').some((f) => f.endsWith('rules/wipes-docker')));
  assert.deepEqual(findings('IPT=/sbin/iptables\n$IPT -F\n'), ['2 rules/wipes-docker']);
});

test('a shell `case` label `*)` is no `*table` line: a `\\` continuation after it is the shell\'s, not a restore error (holdout 43, homelab phase 13)', () => {
  const text = [
    '#!/bin/bash',
    'block4() {',
    'cat <<EOF',
    '*filter',
    ':DOCKER-USER - [0:0]',
    '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
    '-A DOCKER-USER -i eno1 -j DROP',
    'COMMIT',
    'EOF',
    '}',
    'case "${1:-}" in',
    '  --keep) exit 0 ;;',
    '  *) echo "unknown option $1"; exit 1 ;;',
    'esac',
    'systemd-run --quiet --on-active=5min --unit=revert \\',
    '  /bin/bash -c "cp -p /etc/ufw/after.rules.bak /etc/ufw/after.rules; /usr/sbin/ufw reload" \\',
    '  || exit 1',
    'iptables -S DOCKER-USER | sed \'s/^/    /\'',
  ].join('\n');
  assert.ok(!findings(text).some((f) => f.endsWith('syntax/restore-continuation')), findings(text).join('; '));
  // inside a real *filter section of a restore file it is still refused
  assert.deepEqual(findings('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 \\\n  -j DROP\nCOMMIT\n').filter((f) => f.endsWith('restore-continuation')), ['3 syntax/restore-continuation']);
});

test('a script whose only rules are ip6tables calls is still a script: its shell lines get no "not an iptables rule" note (holdout 22, entepotenz, seen while fixing holdout 44)', () => {
  const text = ['#!/bin/bash', 'set -o errexit', 'mkdir -p "$backup_dir"', 'ip6tables -A INPUT -p tcp --dport 22 -j ACCEPT', 'echo done'].join('\n');
  assert.deepEqual(all(text).filter((d) => d.includes('not-iptables')), []);
});
