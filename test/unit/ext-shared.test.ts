/** What client and server share: which documents are linted, and the table a dump command printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLintedUri, readDocumentTableParams, tableOfCommand } from '../../src/shared/lsp';
import { USUAL_COMMANDS } from '../../src/core/nsexec';

test('isLintedUri: files and untitled editors yes; read-only command output no', () => {
  for (const u of ['file:///etc/iptables/rules.v4', 'untitled:Untitled-1', 'vscode-remote://ssh-remote+h/etc/x.rules']) assert.equal(isLintedUri(u), true, u);
  for (const u of ['swarmnet-ns:/n%E2%88%95ns: iptables -S', 'swarmnet-dump:/n/ns/nat.rules', 'git:/x.rules', 'output:x', 'not a uri']) assert.equal(isLintedUri(u), false, u);
});

test('tableOfCommand: the table iptables printed (iptables(8): -t, --table, default filter)', () => {
  const want: Record<string, string | undefined> = {
    'iptables -t nat -S': 'nat',
    'iptables -t mangle -S': 'mangle',
    'iptables -S': 'filter',
    'iptables-save': undefined,
    'iptables -t nat -nvL': 'nat',
    'ipvsadm -ln': undefined,
  };
  for (const c of USUAL_COMMANDS.filter((x) => x.label in want)) assert.equal(tableOfCommand(c.argv), want[c.label], c.label);
  assert.equal(tableOfCommand(['/usr/sbin/iptables-nft', '--table=raw', '-S']), 'raw');
  assert.equal(tableOfCommand(['iptables', '-tnat', '-S']), 'nat');
  assert.equal(tableOfCommand(['ip6tables', '-t', 'bogus', '-S']), undefined);
  assert.deepEqual(readDocumentTableParams({ uri: 'untitled:/a', table: 'nat' }), { uri: 'untitled:/a', table: 'nat' });
  assert.deepEqual(readDocumentTableParams({ uri: 'untitled:/a', table: 'drop tables' }), { uri: 'untitled:/a', table: null });
  assert.equal(readDocumentTableParams({ table: 'nat' }), undefined);
});
