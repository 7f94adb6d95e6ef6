/**
 * The order judgments added in session 8 (holdouts 5–10), each boundary pinned: which scripts count as written
 * bottom-up (rules/insert-order), which exceptions an insert pushes down (same chain, table, file, earlier line), which
 * duplicates are refused inserts or alternatives, and the messages of rules/shadowed. Shapes from the holdouts' sets
 * (docs/lint-holdout*.md): hypothesis#339's `--insert` script, a homelab MAC block, homelabarr's RETURN-first script,
 * LandChad's `-I INPUT 6`, a `case` ON/OFF firewall.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';

const found = (text: string, code: string) => lintRules(text).diagnostics.filter((d) => d.code === code && d.severity !== 'info');
const lines = (text: string, code: string) => found(text, code).map((d) => d.span.line + 1);
const I = (rest: string) => `iptables -I DOCKER-USER ${rest}`;

test('bottom-up: three or more inserts at the top, the first a catch-all deny (bare or on an interface)', () => {
  const ok = [I('-j DROP'), I('-s 10.1.0.0/16 -j ACCEPT'), I('-d 169.254.169.254 -j REJECT'), ''].join('\n');
  assert.deepEqual(lines(ok, 'rules/insert-order'), []);
  assert.deepEqual(lines(ok.replace(I('-j DROP'), I('-i eth0 -j DROP')), 'rules/insert-order'), []);
  // only two rules of the file in the chain: not enough to call it a style
  assert.deepEqual(lines([I('-s 10.1.0.0/16 -j ACCEPT'), I('-d 169.254.169.254 -j REJECT'), ''].join('\n'), 'rules/insert-order'), [2]);
  // one of them appended, or inserted at position 2: not written bottom-up
  const appended = [I('-j DROP'), 'iptables -A DOCKER-USER -p udp --dport 53 -j ACCEPT', I('-s 10.1.0.0/16 -j ACCEPT'), I('-d 10.1.0.0/16 -j REJECT'), ''].join('\n');
  assert.deepEqual(lines(appended, 'rules/insert-order'), [4]);
  const positioned = [I('1 -j DROP'), I('2 -p udp --dport 53 -j ACCEPT'), I('1 -s 10.1.0.0/16 -j ACCEPT'), I('1 -d 10.1.0.0/16 -j REJECT'), ''].join('\n');
  assert.deepEqual(lines(positioned, 'rules/insert-order'), [4]);
  // the first is not a catch-all: a port-bound DROP, an ACCEPT, a RETURN (homelabarr), a LOG
  for (const first of ['-p tcp --dport 22 -j DROP', '-j ACCEPT', '-j RETURN', '-j LOG']) {
    const text = [I(first), I('-s 10.1.0.0/16 -j ACCEPT'), I('-d 10.1.0.0/16 -j REJECT'), ''].join('\n');
    assert.deepEqual(lines(text, 'rules/insert-order'), [3], first);
  }
  // inserts into another chain or table say nothing about DOCKER-USER's style
  const other = ['iptables -I FORWARD -j DROP', 'iptables -I FORWARD -s 10.2.0.0/16 -j ACCEPT', 'iptables -t nat -I PREROUTING -j RETURN', I('-s 10.1.0.0/16 -j ACCEPT'), I('-d 10.1.0.0/16 -j REJECT'), ''].join('\n');
  assert.deepEqual(lines(other, 'rules/insert-order'), [5]);
});

test('exceptions pushed down: only by an -I DROP/REJECT at a known position, of the same chain and table, written before it', () => {
  const base = 'iptables -I DOCKER-USER -s 10.1.0.0/16 -j ACCEPT\n';
  assert.deepEqual(lines(`${base}iptables -I DOCKER-USER -j DROP\n`, 'rules/insert-order'), [2]);
  assert.deepEqual(lines(`${base}iptables -A DOCKER-USER -j DROP\n`, 'rules/insert-order'), []);
  assert.deepEqual(lines(`${base}iptables -I DOCKER-USER "$n" -j DROP\n`, 'rules/insert-order'), []);
  assert.deepEqual(lines(`${base}iptables -I DOCKER-USER -j LOG\n`, 'rules/insert-order'), []);
  assert.deepEqual(lines(`${base}iptables -I FORWARD -j DROP\n`, 'rules/insert-order'), []);
  // the exception written after the DROP is inserted above it: nothing pushed
  assert.deepEqual(lines(`iptables -I DOCKER-USER -j DROP\n${base}`, 'rules/insert-order'), []);
  // the message names up to three exceptions, then "…"
  const four = ['10.1', '10.2', '10.3', '10.4'].map((n) => `iptables -I DOCKER-USER -s ${n}.0.0/16 -j ACCEPT`).join('\n');
  const d = found(`${four}\niptables -I DOCKER-USER -j DROP\n`, 'rules/insert-order')[0];
  assert.match(d.message, /exceptions written before it \(lines 1, 2, 3, …\)/);
  assert.equal(d.related?.length, 3);
  assert.match(found(`${base}iptables -I DOCKER-USER -j DROP\n`, 'rules/insert-order')[0].message, /the exception written before it \(line 1\), which/);
  // the fix appends instead (when the file is not a DOCKER-USER command script on a live chain)
  const fix = lintRules('iptables -I FORWARD -s 10.1.0.0/16 -j ACCEPT\niptables -I FORWARD -o docker0 -j DROP\n').diagnostics.find((x) => x.code === 'rules/insert-order');
  assert.ok(!fix || fix.fixes.every((f) => f.edits.every((e) => e.newText === '-A')));
});

test('duplicate: not when either copy is an insert iptables refuses (past the end), nor across the arms of a case; an info across two scripts', () => {
  const copy = 'iptables -A INPUT -p tcp --dport 80 -j ACCEPT';
  assert.deepEqual(lines(`${copy}\n${copy}\n`, 'rules/duplicate'), [2]);
  assert.deepEqual(lines(`iptables -I INPUT 6 -p tcp --dport 80 -j ACCEPT\n${copy}\n`, 'rules/duplicate'), []);
  assert.deepEqual(lines(`${copy}\niptables -I INPUT 6 -p tcp --dport 80 -j ACCEPT\n`, 'rules/duplicate'), []);
  // a refused insert elsewhere does not hide a duplicate
  assert.deepEqual(lines(`iptables -I INPUT 9 -p tcp --dport 22 -j ACCEPT\n${copy}\n${copy}\n`, 'rules/duplicate'), [3]);
  assert.deepEqual(lines(`case "$1" in\n  on)\n    ${copy}\n    ;;\n  again)\n    ${copy}\n    ;;\nesac\n`, 'rules/duplicate'), []);
  const two = `${copy}\n#!/bin/sh\n${copy}\n`;
  const info = lintRules(two).diagnostics.filter((d) => d.code === 'rules/duplicate');
  assert.deepEqual(info.map((d) => [d.span.line + 1, d.severity]), [[3, 'info']]);
  assert.match(info[0].message, /^The same rule as line 1, in another part of this text \(a script starts at line 2\)/);
  assert.deepEqual(info[0].related?.map((r) => [r.span.line, r.message]), [[0, 'the same rule']]);
});

test('shadowed: its two messages, and not across the arms of an if', () => {
  const after = found('iptables -A INPUT -j DROP\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\n', 'rules/shadowed');
  assert.match(after[0].message, /^Never reached: the rule on line 1 \(`-j DROP` without conditions\) takes every packet in INPUT before this one\.$/);
  assert.deepEqual(after[0].related?.map((r) => r.message), ['the rule that decides first']);
  const subset = found('iptables -A INPUT -p tcp -j DROP\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\n', 'rules/shadowed');
  assert.match(subset[0].message, /^Never reached: the earlier rule on line 1 \(`-j DROP`\) matches every packet this rule matches/);
  assert.deepEqual(lines('if [ "$1" = on ]; then\n  iptables -A INPUT -j DROP\nelse\n  iptables -A INPUT -p tcp --dport 22 -j ACCEPT\nfi\n', 'rules/shadowed'), []);
});
