/**
 * lint/* (src/core/lint/rules/inputFacts.ts), the edges of what a pasted text is: blank lines after one Docker rule,
 * chains that only end in DOCKER, an -nL listing of Docker's chain without -v (no header line numbers), `iptables -t
 * nat -S` pasted with indented blank and comment lines. Expected answers written from iptables' output formats
 * (iptables 1.8 `-S`, `-nL`) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const found = (text: string, code: string): string[] => raw(text, code).map((d) => `${at([d])[0]} ${d.severity}`);

test('lint/truncated: one Docker rule followed by blank lines is not a fragment; chains that only end in DOCKER are the user\'s', () => {
  assert.deepEqual(found('-A DOCKER -j RETURN\n\n\n', 'lint/truncated'), []);
  assert.deepEqual(found('-A DOCKER-USER -j RETURN\n-A MY-DOCKER -j RETURN\n-A PRE-DOCKER -j DROP\n', 'lint/truncated'), []);
  // a script's commands on Docker's chains, and an -nL listing of them, are not grep'd -S output
  assert.deepEqual(found('iptables -A DOCKER -j RETURN\niptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN\n', 'lint/truncated'), []);
  assert.deepEqual(found('Chain DOCKER (1 references)\ntarget     prot opt source               destination\nACCEPT     tcp  --  0.0.0.0/0            172.17.0.2           tcp dpt:80\nRETURN     all  --  0.0.0.0/0            0.0.0.0/0\n', 'lint/truncated'), []);
});

test('lint/listing-no-counters: `iptables -nL DOCKER` without --line-numbers: said on its header line', () => {
  const text = 'Chain DOCKER (1 references)\ntarget     prot opt source               destination\nACCEPT     tcp  --  0.0.0.0/0            172.17.0.2           tcp dpt:80\n';
  assert.deepEqual(found(text, 'lint/listing-no-counters'), ['2:0-52 info']);
});

test('lint/table-inferred: said on the first line that is neither blank (spaces only) nor a comment (indented too)', () => {
  const text = '   \n  # iptables -t nat -S\n-P PREROUTING ACCEPT\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n';
  assert.deepEqual(found(text, 'lint/table-inferred'), ['3:0-20 info']);
});
