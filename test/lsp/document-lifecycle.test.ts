/**
 * The language server's document lifecycle (the real server process over stdio): read-only command output
 * (scheme swarmnet-ns / swarmnet-dump) is never linted; a copy of a nat dump is linted as the nat table when
 * the client says so (swarmnet/documentTable); closing a document clears its diagnostics.
 * Input: test/fixtures/lab-captured/host.nat.S.txt — `iptables -t nat -S` as printed by the lab's Docker 20.10
 * manager (Docker's own rules). Expected before running: no error and no warning on it when linted as nat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers';
import { DOCUMENT_TABLE_NOTIFICATION } from '../../src/shared/lsp';
import { serverForFile } from './client';

const NAT = readFileSync(join(FIXTURES, 'lab-captured', 'host.nat.S.txt'), 'utf8');
const BAD = '-A FORWARD -p tcp --dport 80 -j DROP\n';
const server = serverForFile();

const findings = (p: { diagnostics: { severity?: number }[] }): number => p.diagnostics.filter((d) => d.severity === 1 || d.severity === 2).length;

test('read-only command output is never linted (swarmnet-ns, swarmnet-dump)', async () => {
  const since = server().published.length;
  const ro = ['swarmnet-ns:/this%20machine%E2%88%95ingress_sbox%3A%20iptables%20-t%20nat%20-S?x#1', 'swarmnet-dump:/node1/ingress_sbox/nat.rules'];
  for (const uri of ro) await server().open(uri, NAT);
  // Messages are handled in order: once the file below has its diagnostics, the two above were seen.
  const file = 'file:///tmp/swarmnet-lifecycle-probe.rules';
  await server().open(file, BAD);
  await server().waitFor(file, undefined, 10_000, since);
  assert.deepEqual(server().published.slice(since).filter((p) => ro.includes(p.uri)), []);
  await server().close(file);
});

test('a copy of a nat dump is linted as the nat table: no findings on Docker\'s own rules', async () => {
  const uri = 'untitled:/node1-ingress_sbox-nat.rules';
  await server().conn.sendNotification(DOCUMENT_TABLE_NOTIFICATION, { uri, table: 'nat' });
  const since = server().published.length;
  await server().open(uri, NAT);
  const p = await server().waitFor(uri, undefined, 10_000, since);
  assert.equal(findings(p), 0, JSON.stringify(p.diagnostics, null, 1));
});

test('closing a document clears its diagnostics', async () => {
  const uri = 'file:///tmp/swarmnet-lifecycle-close.rules';
  let since = server().published.length;
  await server().open(uri, BAD);
  const p = await server().waitFor(uri, (x) => x.diagnostics.length > 0, 10_000, since);
  assert.ok(findings(p) > 0, 'the probe has a finding');
  since = server().published.length;
  await server().close(uri);
  await server().waitFor(uri, (x) => x.diagnostics.length === 0, 10_000, since);
});
