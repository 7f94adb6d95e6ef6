/**
 * Shell shapes around rules that published scripts use (issue 14): a quote the shell closes on a later line, and a
 * unit file's `[Service]` header pasted among commands. Expected answers from how bash reads the text (checked with
 * `bash -n` where it matters): a quote closed later is no syntax error; one never closed is.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';
import { findings } from './lint-findings';
import { openQuoteAfter } from '../../src/core/lint/sections';

const bashAccepts = (text: string): boolean => {
  try {
    execFileSync('bash', ['-n'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
    return true;
  } catch {
    return false;
  }
};

// holdout3/dokploy-hardening-bottom-up-inserts-bash-c (a VPS hardening script): rules run through `bash -c '…'`
const NESTED = `#!/bin/bash
run_with_spinner "Configuring DOCKER-USER firewall rules" bash -c '
    sudo iptables -I DOCKER-USER -j DROP
    sudo iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    sudo iptables -I DOCKER-USER -i lo -j ACCEPT
'
echo done
`;

test('bash -c \'…\' over several lines: no unterminated quote, and the quoted lines are linted as the commands they are', () => {
  assert.ok(bashAccepts(NESTED), 'bash reads the script');
  assert.deepEqual(findings(NESTED).filter((f) => f.includes('syntax/')), []);
  // the nested lines are real rules: a DROP above the ESTABLISHED accept is still judged (here written bottom-up: fine)
  const wrong = NESTED.replace('-I DOCKER-USER -m conntrack', '-A DOCKER-USER -m conntrack');
  assert.ok(lintRules(wrong).diagnostics.some((d) => d.span.line === 3), 'a finding on the nested -A line');
});

test('a multi-line echo "…" is text, not commands; a quote never closed stays an error (bash refuses the script too)', () => {
  const echo = 'echo "To undo:\n  iptables -A DOCKER-USER -j DROP\n"\niptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -j RETURN\n';
  assert.ok(bashAccepts(echo));
  assert.deepEqual(findings(echo).filter((f) => f.startsWith('2 ') || f.includes('unterminated')), []);
  const unclosed = "iptables -I DOCKER-USER -i eth0 -j DROP\nbash -c '\n  iptables -L\n";
  assert.equal(bashAccepts(unclosed), false);
  assert.ok(findings(unclosed).includes('2 syntax/unterminated-quote'));
});

test('openQuoteAfter: single quotes have no escapes, double quotes and bare words do; # starts a comment only at a word start', () => {
  assert.equal(openQuoteAfter("bash -c '", undefined), "'");
  assert.equal(openQuoteAfter("it's", undefined), "'");
  assert.equal(openQuoteAfter("echo \\'x", undefined), undefined);
  assert.equal(openQuoteAfter('echo "a \\" b', undefined), '"');
  // 'a\' is a whole single-quoted word (no escapes there), so the last quote opens a new one
  assert.equal(openQuoteAfter("echo 'a\\' b'", undefined), "'", 'a backslash does not escape inside single quotes');
  assert.equal(openQuoteAfter("echo 'a\\' b", undefined), undefined);
  assert.equal(openQuoteAfter("echo # it's a comment", undefined), undefined);
  assert.equal(openQuoteAfter("echo a#b'", undefined), "'");
  assert.equal(openQuoteAfter("  '", "'"), undefined);
  assert.equal(openQuoteAfter('still inside', '"'), '"');
});

test('a unit file\'s [Service] header pasted among commands is not a [packets:bytes] counter; a restore counter still is', () => {
  // holdout3/jp-notes-ext-if-and-docker-chain: the docker.service drop-in quoted in the notes
  const unit = 'iptables -I DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n/etc/systemd/system/docker.service.d/docker.conf\n[Service]\nExecStart=\nExecStart=/usr/bin/dockerd $OPTIONS\n';
  assert.deepEqual(findings(unit), []);
  const restore = '*filter\n:DOCKER-USER - [0:0]\n[Service] -A DOCKER-USER -j RETURN\nCOMMIT\n';
  assert.ok(findings(restore).includes('3 syntax/bad-counters'), 'inside a *table section it is a bad counter, as iptables-restore says');
});
