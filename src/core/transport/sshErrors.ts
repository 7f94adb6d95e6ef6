/** SSH connect failures in words: the cause first, said once, with a kind that says whether retrying can help. */
import type { SshTarget } from './ssh';
import { TransportError } from './types';

/** Words for the socket errors a connect meets, the way OpenSSH says them. */
const NET_CAUSE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host (name lookup failed)',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
};

/**
 * A connect failure as one message that leads with the cause and says it once, with a kind that says
 * whether trying again can help: 'auth' and 'hostkey' never get better by themselves (never retried
 * automatically); 'connect' and 'timeout' may (backoff).
 */
export function classifyConnectError(err: Error & { level?: string; code?: string }, target: Pick<SshTarget, 'username' | 'host' | 'port'>, hostKeyRejected: string | undefined): TransportError {
  const where = `${target.username}@${target.host}:${target.port ?? 22}`;
  if (hostKeyRejected) return new TransportError(`host key not trusted: ${where} (${hostKeyRejected})`, 'hostkey');
  if (err.level === 'client-authentication') {
    return new TransportError(`authentication failed: ${where} accepted none of the offered keys (key file, agent or passphrase)`, 'auth');
  }
  if (err.level === 'client-timeout' || /Timed out/i.test(err.message)) {
    return new TransportError(`timed out: ${where} did not complete the SSH handshake in time`, 'timeout');
  }
  if (/passphrase|Encrypted private|Cannot parse privateKey/i.test(err.message)) {
    return new TransportError(`cannot use the private key: ${err.message} (for ${where})`, 'auth');
  }
  const cause = err.code ? NET_CAUSE[err.code] : undefined;
  if (cause) return new TransportError(`${cause}: ${where} (${err.code})`, cause === 'timed out' ? 'timeout' : 'connect');
  return new TransportError(`cannot connect: ${where}: ${err.message}`, 'connect');
}
