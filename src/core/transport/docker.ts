/**
 * dockerode clients for a node: the local socket, TCP with TLS, or the node's socket tunnelled through the
 * node's SSH connection (direct-streamlocal, so no docker CLI is needed on the node).
 */
import Docker from 'dockerode';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls?: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } }
  | { kind: 'tunnel'; open: () => Promise<Duplex>; label: string };

/** Adds the few Socket methods node's http client may call on a connection that is not a net.Socket. */
function asSocket(stream: Duplex): Socket {
  const s = stream as Duplex & Partial<Socket>;
  s.setTimeout ??= function setTimeout(this: Socket) {
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

export function createDocker(ep: DockerEndpoint, timeoutMs = 15_000): Docker {
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
