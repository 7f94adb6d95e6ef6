// `swarmnet trace --verify` refuses what a real probe cannot do, before connecting to anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceCommand } from '../../src/cli/trace';

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await traceCommand(args, { out: () => undefined, err: (s) => void (err += s) });
  return { code, err };
}

test('trace --verify: usage errors (exit 2) for --fixtures, state the probe cannot carry, and an unknown mode', async () => {
  const base = ['--from', '10.0.0.2', '--to', '10.0.0.3:80'];
  assert.deepEqual(await run([...base, '--verify', '--fixtures', 'x']), { code: 2, err: 'swarmnet trace: --verify needs live nodes, not --fixtures\n' });
  const st = await run([...base, '--verify', '--ct-state', 'ESTABLISHED']);
  assert.equal(st.code, 2);
  assert.match(st.err, /--verify sends a connection's first packet .*cannot be probed/);
  assert.equal((await run([...base, '--verify', '--mark', '0x1'])).code, 2);
  assert.deepEqual(await run([...base, '--verify=loud']), { code: 2, err: 'swarmnet trace: --verify=loud: use --verify (counters, read-only) or --verify=trace\n' });
});

test('trace --help lists --verify and --verify=trace with the exit code of a difference', async () => {
  let out = '';
  assert.equal(await traceCommand(['--help'], { out: (s) => void (out += s), err: () => undefined }), 0);
  assert.match(out, /--verify {17}also send one real probe/);
  assert.match(out, /exit 0 observed = predicted, 7 they differ, 1 not verified/);
  assert.match(out, /--verify=trace {11}as --verify, and also a TRACE rule/);
});
