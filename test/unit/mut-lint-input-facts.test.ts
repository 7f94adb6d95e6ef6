/**
 * lint/* (src/core/lint/rules/inputFacts.ts): what the linter could not see, said as information: a dump cut short,
 * a grep'd `-S` fragment, the iptables-nft warning about legacy tables, an `-nL` listing without `-v`, a table
 * inferred from `iptables -t nat -S`. Expected answers written from iptables' output formats before running.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { one, raw } from './mut-lint-helpers';

const DOCKER_RULE = '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT';

test('lint/truncated: a *filter section without COMMIT is said on the last line', () => {
  const d = one('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\n', 'lint/truncated');
  assert.deepEqual(d.span, { line: 3, start: 0, end: 0 });
  assert.equal(d.severity, 'info');
  assert.equal(d.message, 'The *filter section has no COMMIT: the dump looks cut short, later rules may be missing.');
  const noNl = one('*nat\n-A PREROUTING -j DOCKER', 'lint/truncated');
  assert.deepEqual(noNl.span, { line: 1, start: 0, end: 23 });
  assert.match(noNl.message, /^The \*nat section has no COMMIT/);
  assert.deepEqual(raw('*filter\n-A DOCKER-USER -j RETURN\nCOMMIT\n', 'lint/truncated'), []);
});

test('lint/truncated: `iptables -S | grep DOCKER` (Docker rules, no -P/-N lines) is a fragment, said on its first Docker rule', () => {
  const frag = `-A DOCKER-USER -j RETURN\n${DOCKER_RULE}\n-A DOCKER-ISOLATION-STAGE-1 -j RETURN\n`;
  const d = one(frag, 'lint/truncated');
  assert.deepEqual(d.span, { line: 1, start: 0, end: 85 });
  assert.equal(d.message, "A fragment of `iptables -S` (no -P/-N lines: grep'd or cut?): rules not shown may change what these do; whole-chain checks are limited to what is here.");
  // with a -P or -N line it is whole -S output; one line alone is not judged; a script is not -S output
  assert.deepEqual(raw(`-P FORWARD DROP\n${frag}`, 'lint/truncated'), []);
  assert.deepEqual(raw(`-N DOCKER\n${frag}`, 'lint/truncated'), []);
  assert.deepEqual(raw(`${DOCKER_RULE}\n`, 'lint/truncated'), []);
  assert.deepEqual(raw('-A DOCKER-USER -i eth0 -j DROP\n-A DOCKER-USER -j RETURN\n', 'lint/truncated'), []);
  assert.deepEqual(raw(`iptables ${DOCKER_RULE}\niptables -A DOCKER-USER -j RETURN\n`, 'lint/truncated'), []);
  // an -nvL listing is never a fragment of -S
  assert.deepEqual(raw('Chain DOCKER (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     tcp  --  !docker0 docker0  0.0.0.0/0            172.17.0.2           tcp dpt:80\n', 'lint/truncated'), []);
});

test('lint/legacy-tables: iptables-nft-save\'s own warning line is pointed at', () => {
  const text = '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n';
  const d = one(text, 'lint/legacy-tables');
  assert.deepEqual(d.span, { line: 0, start: 0, end: 79 });
  assert.equal(d.severity, 'info');
  assert.equal(d.message, 'This host also has rules in iptables-legacy tables, which this dump does not show but the kernel applies as well: run `iptables-legacy-save` to see them.');
  const later = one(`*filter\n${text.split('\n')[0]}\nCOMMIT\n`, 'lint/legacy-tables');
  assert.equal(later.span.line, 1);
  assert.deepEqual(raw('*filter\nCOMMIT\n', 'lint/legacy-tables'), []);
});

test('lint/listing-no-counters: on the header line of an -nL listing (with --line-numbers too); not for -nvL', () => {
  const text = '# iptables -nL DOCKER-USER --line-numbers\nChain DOCKER-USER (1 references)\nnum  target     prot opt source               destination\n1    RETURN     all  --  0.0.0.0/0            0.0.0.0/0\n';
  const d = one(text, 'lint/listing-no-counters');
  assert.deepEqual(d.span, { line: 2, start: 0, end: 57 });
  assert.equal(d.severity, 'info');
  assert.equal(d.message, 'Listing without -v: it has no in/out interface columns, so interface conditions (e.g. `-i docker0`) are unknown and rules are not judged as unconditional. Use `iptables -nvL` or `iptables -S`.');
  assert.deepEqual(raw('Chain DOCKER-USER (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0\n', 'lint/listing-no-counters'), []);
});

test('lint/table-inferred: `iptables -t nat -S` output is read as nat, said on its first non-comment line', () => {
  const d = one('# iptables -t nat -S\n\n-P PREROUTING ACCEPT\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n', 'lint/table-inferred');
  assert.deepEqual(d.span, { line: 2, start: 0, end: 20 });
  assert.equal(d.severity, 'info');
  assert.equal(d.message, 'Read as the nat table (no *nat line; inferred from its chains and targets). Use --table to say otherwise.');
  assert.deepEqual(raw('-P INPUT ACCEPT\n-A INPUT -i lo -j ACCEPT\n', 'lint/table-inferred'), []);
});

test('lint/truncated: a text that ends inside a rule (cut after a lone `-`) is said on that rule, blank lines after it or not', () => {
  const rule = '-A DOCKER-USER -i eth0 -p tcp -';
  for (const [text, line] of [[`${rule}`, 0], [`${rule}\n`, 0], [`${rule}\n\n  \n\t`, 0], [`-A DOCKER-USER -j RETURN\n${rule}\n \n`, 1], [`\n\n${rule}`, 2]] as const) {
    const d = one(text, 'lint/truncated');
    assert.deepEqual(d.span, { line, start: 0, end: rule.length }, JSON.stringify(text));
    assert.equal(d.message, 'The text ends inside this rule (cut after a lone `-`): its missing part is not judged.');
    assert.deepEqual(raw(text, 'syntax/missing-argument').concat(raw(text, 'syntax/unexpected-token')), [], JSON.stringify(text));
  }
  // a whole rule last, and a blank text, say nothing
  assert.deepEqual(raw('-A DOCKER-USER -i eth0 -j DROP\n\n', 'lint/truncated'), []);
  assert.deepEqual(raw('\n \n', 'lint/truncated'), []);
});
