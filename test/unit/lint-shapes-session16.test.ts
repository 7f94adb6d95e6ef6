/**
 * Text shapes of session 16, each cut from the blind holdout set named in the test (holdouts 43–44, measured in
 * session 15 before these changes: docs/lint-holdout43.md, 44.md). Where the kernel decides, it was asked (iptables
 * 1.8.9 nf_tables in a scratch network namespace).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { findings } from './lint-findings';

const all = (text: string) => lintRules(text).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`);

test('a restore line refused for its trailing `# comment` keeps its error, and the other rules are judged with the rule it means (holdout 43, zh-blog docker-ufw)', () => {
  const text = [
    '*filter',
    ':DOCKER-USER - [0:0]',
    ':ufw-user-input - [0:0]',
    '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT # only with this do the replies come back',
    '-A DOCKER-USER -i eno1 -j ufw-user-input',
    '-A DOCKER-USER -i eno1 -j DROP',
    'COMMIT',
  ].join('\n');
  // iptables-restore refuses line 4 ("Bad argument `#'"): the error stays; the DROP after the accept of replies is fine
  assert.deepEqual([...new Set(findings(text))], ['4 syntax/unexpected-token']);
  // the same DROP with no accept of replies before it is still said
  assert.deepEqual(findings(text.replace(/^-A DOCKER-USER -m conntrack.*$/m, '# (no accept of replies)')), ['6 docker-user/missing-established']);
});

test('a Markdown guide whose prose says DOCKER-USER is flushed and rebuilt shows the chain rebuilt: its `-A` rules are not behind Docker\'s RETURN (holdout 44, homelab-security README)', () => {
  const block = [
    '```bash',
    'iptables -A DOCKER-USER -m state --state ESTABLISHED,RELATED -j RETURN',
    'iptables -A DOCKER-USER -m set --match-set whitelist src -j RETURN',
    'iptables -A DOCKER-USER -m set --match-set country_block src -j DROP',
    'iptables -A DOCKER-USER -j RETURN',
    '```',
  ];
  const withProse = ['### How It Works', '', 'The script flushes and rebuilds `DOCKER-USER` on each run:', '', ...block].join('\n');
  assert.deepEqual(findings(withProse), []);
  // without that sentence the block is appended to the chain as Docker left it (up to 28.2.1: behind its RETURN)
  const without = ['### How It Works', '', 'The script adds these rules:', '', ...block].join('\n');
  assert.ok(findings(without).includes('8 docker-user/after-return'), findings(without).join('; '));
  // a comment of a plain script is no prose: the script's commands decide
  assert.ok(findings(['# flush DOCKER-USER first', ...block.slice(1, -1)].join('\n')).includes('4 docker-user/after-return'));
});

test('an explanation block that quotes a rule of the script above is a copy, not a rule behind the script\'s final DROP (holdout 44, pt docker-protected notes)', () => {
  const text = [
    '```bash',
    'sudo iptables -F DOCKER-USER',
    'sudo iptables -A DOCKER-USER -s 173.245.48.0/20 -j ACCEPT',
    'sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'sudo iptables -A DOCKER-USER -j DROP',
    '```',
    '',
    '## Explanation',
    '',
    '```bash',
    'sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '# this rule keeps both directions of a connection working',
    '```',
  ].join('\n');
  assert.ok(!findings(text).includes('11 rules/shadowed'), findings(text).join('; '));
  assert.ok(all(text).includes('11 info rules/duplicate'), all(text).join('; '));
  // a rule of the later block that repeats nothing above is still behind the DROP
  const other = text.replace('sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n#', 'sudo iptables -A DOCKER-USER -s 10.0.0.0/8 -j ACCEPT\n#');
  assert.ok(findings(other).includes('11 rules/shadowed'), findings(other).join('; '));
});

test('a bare `iptables -X` on a Docker host: one finding that says iptables refuses it while FORWARD jumps to Docker\'s chains (kernel-checked), no second chain-not-empty warning (holdout 44, qfw)', () => {
  const text = ['#!/bin/bash', 'docker ps >/dev/null', 'iptables -I DOCKER-USER -i eth0 -s 203.0.113.7 -j DROP', 'iptables -F INPUT', 'iptables -X'].join('\n');
  assert.deepEqual(findings(text), ['5 rules/wipes-docker']);
  const message = lintRules(text).diagnostics.find((d) => d.code === 'rules/wipes-docker')?.message ?? '';
  assert.match(message, /refuses the whole command/);
  assert.match(message, /no chain is deleted/);
});
