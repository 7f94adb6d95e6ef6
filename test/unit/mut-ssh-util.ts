/** Shared by the SSH transport's tests (not a test file itself). */
import assert from 'node:assert/strict';
import { utils } from 'ssh2';
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

/**
 * An ed25519 key pair that ssh2 can read back. ssh2 1.17's generateKeyPairSync writes a 31-byte public key when the
 * key's first byte is zero (about one key in 256; `parseKey` then says "Malformed OpenSSH public key"), which made
 * these tests fail at random on a fresh machine. A key it cannot read is drawn again.
 */
export function ed25519KeyPair(options?: { passphrase: string; cipher: string; rounds: number }): { private: string; public: string } {
  for (;;) {
    const pair = options ? utils.generateKeyPairSync('ed25519', options) : utils.generateKeyPairSync('ed25519');
    const readable = [utils.parseKey(pair.public), utils.parseKey(pair.private, options?.passphrase)];
    if (readable.every((k) => !(k instanceof Error))) return pair;
  }
}
