/**
 * One ssh2 connection to a node (and through a ProxyJump host): the host key is verified by a caller-supplied policy
 * before any authentication; connect errors are classified (./sshErrors.ts) so that authentication failures are
 * never retried automatically.
 */
import { Client, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { fingerprintSha256, keyTypeOfBlob } from './knownHosts';
import { classifyConnectError } from './sshErrors';
import { TransportError } from './types';

export interface HostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  key: Buffer;
}

/** Decides whether to trust a host key. Must never trust silently: the default refuses. */
export type HostKeyVerifier = (info: HostKeyInfo) => Promise<boolean> | boolean;

export interface SshTarget {
  host: string;
  port?: number;
  username: string;
  privateKey?: Buffer | string;
  passphrase?: string;
  /** Path to an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  password?: string;
  verifyHostKey: HostKeyVerifier;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Connect through this host first (ProxyJump). */
  jump?: SshTarget;
  /** Aborting gives up a connect in flight (the socket is closed at once). */
  signal?: AbortSignal;
}

/** Connects to the jump host and opens the forwarded stream to the target (ProxyJump); fills `jumpClients`. */
async function throughJump(target: SshTarget, jumpClients: Client[]): Promise<Duplex> {
  const jumped = await connectSsh({ ...(target.jump as SshTarget), signal: target.signal });
  jumpClients.push(jumped.client, ...jumped.jumpClients);
  return new Promise<Duplex>((resolve, reject) => {
    // Stryker disable next-line StringLiteral: the originator address of a direct-tcpip request is only logged by the jump host's sshd; it does not choose the route
    jumped.client.forwardOut('127.0.0.1', 0, target.host, target.port ?? 22, (err, stream) => {
      if (err) {
        // Close the jump connection(s): left open they leak (and keep the process alive).
        for (const j of jumpClients) j.end();
        // Stryker disable next-line OptionalChaining: throughJump is only called with a jump host
        reject(new TransportError(`ProxyJump ${target.jump?.host}: cannot reach ${target.host}:${target.port ?? 22}: ${err.message}`, 'connect'));
      } else resolve(stream);
    });
  });
}

export async function connectSsh(target: SshTarget, sock?: Duplex): Promise<{ client: Client; jumpClients: Client[] }> {
  const jumpClients: Client[] = [];
  if (target.jump && !sock) sock = await throughJump(target, jumpClients);
  const client = new Client();
  let hostKeyRejected: string | undefined;
  const port = target.port ?? 22;
  const cfg: ConnectConfig = {
    host: target.host,
    port,
    username: target.username,
    privateKey: target.privateKey,
    passphrase: target.passphrase,
    agent: target.agent,
    password: target.password,
    readyTimeout: target.readyTimeoutMs ?? 10_000,
    keepaliveInterval: target.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: 3,
    sock,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      const info: HostKeyInfo = { host: target.host, port, keyType: keyTypeOfBlob(key), fingerprint: fingerprintSha256(key), key };
      Promise.resolve()
        .then(() => target.verifyHostKey(info))
        .then((ok) => {
          if (!ok) hostKeyRejected = `${info.keyType} ${info.fingerprint}`;
          verify(ok);
        })
        .catch((e: unknown) => {
          hostKeyRejected = e instanceof Error ? e.message : String(e);
          verify(false);
        });
    },
  };
  if (target.signal?.aborted) {
    for (const j of jumpClients) j.end();
    throw new TransportError('cancelled', 'cancelled');
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      // Stryker disable next-line StringLiteral: after client.end() below ssh2 emits no 'ready', so a listener left behind is never called
      client.removeListener('ready', onReady);
      // Stryker disable next-line StringLiteral: a later error on the ended client would only settle the settled promise and end the ended connections again
      client.removeListener('error', onError);
      client.on('error', () => undefined);
      client.end();
      for (const j of jumpClients) j.end();
      reject(new TransportError(`cancelled: connecting to ${target.username}@${target.host}:${port}`, 'cancelled'));
    };
    target.signal?.addEventListener('abort', onAbort, { once: true });
    const onError = (err: Error): void => {
      target.signal?.removeEventListener('abort', onAbort);
      // Stryker disable next-line StringLiteral: after an error (and client.end() below) ssh2 emits no 'ready', so a listener left behind is never called
      client.removeListener('ready', onReady);
      // ssh2 can emit a second error later (e.g. "Connection lost before handshake" after a ready timeout):
      // without a listener that is an uncaught exception. Swallow it and close the socket now.
      client.on('error', () => undefined);
      client.end();
      for (const j of jumpClients) j.end();
      reject(classifyConnectError(err, target, hostKeyRejected));
    };
    const onReady = (): void => {
      target.signal?.removeEventListener('abort', onAbort);
      client.removeListener('error', onError);
      client.on('error', () => undefined);
      resolve();
    };
    client.once('ready', onReady);
    client.once('error', onError);
    try {
      client.connect(cfg);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  });
  return { client, jumpClients };
}
