/** Shared by the SSH transport's tests (not a test file itself). */
import assert from 'node:assert/strict';
import { TransportError } from '../../src/core/transport/types';

/** The TransportError a connect attempt must end in (a connection that was made instead is closed and fails the test). */
export async function connectFailure(p: Promise<{ client: { end(): void } }>, why = 'connected although it should have failed'): Promise<TransportError> {
  const e = await p.then(
    ({ client }) => {
      client.end();
      return new Error(why);
    },
    (err: unknown) => err,
  );
  assert.ok(e instanceof TransportError, String(e));
  return e;
}
