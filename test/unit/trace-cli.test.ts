// `swarmnet trace` over fixture dumps (IPVS state from captured real ipvsadm outputs; the kernel here has no IPVS):
// exit codes, text and JSON output, what-if file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { traceCommand } from '../../src/cli/trace';
import type { TraceResult } from '../../src/core/trace/types';

const FIX = join(__dirname, '..', 'fixtures', 'trace');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await traceCommand(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

test('trace --fixtures ipspace: text output ends with the three delivered backends, exit 0', async () => {
  const r = await run(['--fixtures', join(FIX, 'ipspace'), '--from', '203.0.113.10', '--to', '192.168.33.2:8080']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^trace tcp from 203\.0\.113\.10 to 192\.168\.33\.2:8080 \(scenario ipspace\)$/m);
  assert.match(r.out, /result:\n {2}- delivered to 10\.0\.0\.7:80 in node2\/task-10\.0\.0\.7\n {2}- delivered to 10\.0\.0\.8:80 in node1\/fc8de92089a5\n {2}- delivered to 10\.0\.0\.9:80 in node3\/task-10\.0\.0\.9\nverdict: delivered \(exit 0\)\n$/);
});

test('trace --what-if: the proposed DOCKER-USER DROP is named, exit 3 (not delivered)', async () => {
  const r = await run(['--fixtures', join(FIX, 'ipspace'), '--from', '203.0.113.10', '--to', '192.168.33.2:8080', '--what-if', join(FIX, 'ipspace', 'whatif-docker-user-drop.rules')]);
  assert.equal(r.code, 3);
  assert.match(r.out, /\* filter\/DOCKER-USER #3: -A DOCKER-USER -p tcp -m conntrack --ctorigdst 192\.168\.33\.2 --ctorigdstport 8080 -j DROP {2}\(what-if whatif-docker-user-drop\.rules:4\) → DROP/);
  assert.match(r.out, /note: what-if: filter\/DOCKER-USER in host on every node replaced by what-if whatif-docker-user-drop\.rules/);
});

test('trace --json: the TraceResult, with branches per IPVS backend', async () => {
  const r = await run(['--fixtures', join(FIX, 'neuvector'), '--from', '203.0.113.10', '--to', '192.0.2.11:1080', '--json']);
  assert.equal(r.code, 0, r.err);
  const t = JSON.parse(r.out) as TraceResult;
  assert.equal(t.request.to, '192.0.2.11:1080');
  assert.deepEqual(t.path.branches.map((b) => b.label), ['IPVS → 10.255.0.5']);
  assert.deepEqual(t.summary, ['delivered to 10.255.0.5:80 in nv-node2/nginx.1']);
});

test('trace: a service name resolves to its VIP; a named task source; missing arguments exit 2', async () => {
  const r = await run(['--fixtures', join(FIX, 'schoolofdevops'), '--from', 'worker.1', '--to', 'redis:6379']);
  assert.match(r.out, /packet: TCP 10\.0\.0\.11:40000 → 10\.0\.0\.5:6379 mark 0x100/);
  // two backends are on nodes not traced (left), three have no known address: undecidable wins (exit 6)
  assert.equal(r.code, 6, 'undecidable: backends without addresses');
  assert.match(r.out, /verdict: undecidable \(exit 6\)\n {2}\(backend e89fbe75fb1a\.vote: address unknown\)/);
  const bad = await run(['--fixtures', join(FIX, 'ipspace'), '--to', '1.2.3.4:80']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--from and --to are required/);
  const unknown = await run(['--fixtures', join(FIX, 'ipspace'), '--from', 'no-such-task', '--to', '192.168.33.2:8080']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.out, /cannot resolve source "no-such-task"/);
});

test('trace task:<service>@<node> and --dport; a loopback destination is a client process on the node (nat OUTPUT DOCKER-INGRESS, MASQUERADE to docker_gwbridge)', async () => {
  const t = await run(['--fixtures', join(FIX, 'ipspace'), '--from', 'task:websvc@node1', '--to', '192.168.1.4', '--dport', '80']);
  assert.equal(t.code, 0, t.out);
  assert.match(t.out, /packet: TCP 192\.168\.1\.12:40000 → 192\.168\.1\.4:80/);
  const none = await run(['--fixtures', join(FIX, 'ipspace'), '--from', 'task:nosuch@node1', '--to', '192.168.1.4:80']);
  assert.equal(none.code, 1);
  assert.match(none.out, /cannot resolve source "task:nosuch@node1"/);
  const lo = await run(['--fixtures', join(FIX, 'ipspace'), '--from', '203.0.113.10', '--to', '127.0.0.1:8080']);
  assert.equal(lo.code, 0, lo.out);
  assert.match(lo.out, /note: 127\.0\.0\.1 is a loopback address: traced as a client process on node1 itself/);
  assert.match(lo.out, /\* nat\/DOCKER-INGRESS #1: -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.18\.0\.2:8080 .* → DNAT 127\.0\.0\.1:8080 → 172\.18\.0\.2:8080/);
  assert.match(lo.out, /MASQUERADE 127\.0\.0\.1:40000 → 172\.18\.0\.1:40000/);
  assert.equal((lo.out.match(/^ {2}- delivered to /gm) ?? []).length, 3);
});
