/**
 * dockerode clients for a node: the local socket, TCP with TLS, or the node's socket tunnelled through the
 * node's SSH connection (direct-streamlocal, so no docker CLI is needed on the node).
 */
import Docker from 'dockerode';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { DEFAULT_TIMEOUT_MS } from './collect';

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls?: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } }
  | { kind: 'tunnel'; open: () => Promise<Duplex>; label: string };

/**
 * Adds the few Socket methods node's http client calls on a connection that is not a net.Socket (an SSH channel).
 * setTimeout is a real idle timer, as on a net.Socket: it emits 'timeout' after `ms` without data read or
 * written. The request timeout and the agent's idle-connection timeout both rely on it; a no-op here would
 * leave a request to a hung engine waiting forever.
 */
function asSocket(stream: Duplex): Socket {
  const s = stream as Duplex & Partial<Socket>;
  let idleMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = idleMs > 0 && !s.destroyed ? setTimeout(() => s.emit('timeout'), idleMs) : undefined;
    timer?.unref();
  };
  const touch = (): void => {
    if (timer !== undefined) arm();
  };
  const push = s.push;
  s.push = function pushed(this: Duplex, ...args: Parameters<Duplex['push']>) {
    touch();
    return push.apply(this, args);
  };
  const write = s.write;
  s.write = function written(this: Duplex, ...args: Parameters<Duplex['write']>) {
    touch();
    return write.apply(this, args);
  } as Duplex['write'];
  s.once('close', () => {
    idleMs = 0;
    arm();
  });
  s.setTimeout = function setTimeout(this: Socket, ms: number, callback?: () => void) {
    idleMs = ms;
    (this as { timeout?: number }).timeout = ms;
    if (callback) {
      if (ms > 0) this.once('timeout', callback);
      else this.removeListener('timeout', callback);
    }
    arm();
    return this;
  };
  s.setNoDelay ??= function setNoDelay(this: Socket) {
    return this;
  };
  s.setKeepAlive ??= function setKeepAlive(this: Socket) {
    return this;
  };
  s.ref ??= function ref(this: Socket) {
    return this;
  };
  s.unref ??= function unref(this: Socket) {
    return this;
  };
  return s as Socket;
}

class TunnelAgent extends http.Agent {
  constructor(private readonly open: () => Promise<Duplex>) {
    // keep-alive: each request would otherwise open (and wait for) a new SSH channel
    super({ keepAlive: true, maxFreeSockets: 8, timeout: 30_000 });
  }

  override createConnection(_options: unknown, callback?: (err: Error | null, socket: Socket) => void): Socket | undefined {
    this.open().then(
      (stream) => callback?.(null, asSocket(stream)),
      (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Socket),
    );
    return undefined;
  }
}

type ModemCallback = (err: unknown, result?: unknown) => void;
/** The one docker-modem method every API call goes through (private in its types). */
interface ModemRequests {
  buildRequest(options: { method?: string }, context: { hijack?: boolean; isStream?: boolean; openStdin?: boolean }, data: unknown, callback: ModemCallback): void;
}

/**
 * Two fixes to how docker-modem reports a request that ended without an answer ("socket hang up", ECONNRESET):
 * - Connections are kept alive and pooled. An engine that closes one (idle close, restart, exit) just as it is
 *   reused fails the request although nothing is wrong with it. A plain GET/HEAD (idempotent: no body, no
 *   stream, no hijack) is then sent once more on a fresh connection, which gets the real answer, or the real
 *   error ("cannot open …/docker.sock" when the engine is gone).
 * - A request times out by destroying itself, which also reads "socket hang up". Since the timeout is an idle
 *   timer started with the request, a hang-up without an answer after `timeoutMs` is the timeout: it says so,
 *   and it is not retried (that would double the wait).
 */
function clarifyHangUps(docker: Docker, timeoutMs: number): Docker {
  const modem = docker.modem as unknown as ModemRequests; // buildRequest is private in docker-modem's types
  const build = modem.buildRequest.bind(modem);
  modem.buildRequest = (options, context, data, callback) => {
    const idempotent = (options.method === 'GET' || options.method === 'HEAD') && context.hijack !== true && context.isStream !== true && data === undefined;
    const started = Date.now();
    build(options, context, data, (err, result) => {
      const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
      if (code !== 'ECONNRESET' && code !== 'EPIPE') return callback(err, result);
      if (Date.now() - started >= timeoutMs) {
        return callback(Object.assign(new Error(`no answer within ${timeoutMs} ms (request timeout)`, { cause: err }), { code: 'ETIMEDOUT' }), result);
      }
      if (idempotent) return build(options, context, data, callback);
      callback(err, result);
    });
  };
  return docker;
}

export function createDocker(ep: DockerEndpoint, timeoutMs = DEFAULT_TIMEOUT_MS): Docker {
  return clarifyHangUps(dockerFor(ep, timeoutMs), timeoutMs);
}

function dockerFor(ep: DockerEndpoint, timeoutMs: number): Docker {
  switch (ep.kind) {
    case 'socket':
      return new Docker({ socketPath: ep.socketPath, timeout: timeoutMs });
    case 'tcp':
      return new Docker({
        host: ep.host,
        port: ep.port,
        protocol: ep.tls ? 'https' : 'http',
        ca: ep.tls?.ca,
        cert: ep.tls?.cert,
        key: ep.tls?.key,
        timeout: timeoutMs,
      });
    case 'tunnel':
      // 'localhost': VS Code's proxy support (http.proxySupport=override) replaces the agent of requests to other hosts
      return new Docker({ host: 'localhost', port: 80, protocol: 'http', agent: new TunnelAgent(ep.open), timeout: timeoutMs } as Docker.DockerOptions);
  }
}

export function describeEndpoint(ep: DockerEndpoint): string {
  switch (ep.kind) {
    case 'socket':
      return `unix://${ep.socketPath}`;
    case 'tcp':
      return `${ep.tls ? 'https' : 'http'}://${ep.host}:${ep.port}`;
    case 'tunnel':
      return ep.label;
  }
}
