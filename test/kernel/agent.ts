/**
 * One per namespace of the kernel test bed (run with `ip netns exec <ns> node --import tsx agent.ts <ports>`).
 * Server side: listens on the given ports (TCP: accept, closed when the client resets; UDP: echo one datagram back).
 * Client side: reads JSON lines on stdin — {"id":1,"proto":"tcp","src":"198.18.100.3","sport":30001,
 * "dst":"198.18.100.1","dport":8080,"timeoutMs":1500} — sends one TCP SYN (connect) or one UDP datagram from that
 * exact source address and port, and answers {"id":1,"result":"reply"|"refused"|"unreachable"|"timeout"|"error",
 * "detail":...} on stdout. {"id":1,"cancel":true} ends a pending probe early (result "cancelled").
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { networkInterfaces } from 'node:os';

interface Probe {
  id: number;
  proto: 'tcp' | 'udp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  timeoutMs: number;
  cancel?: boolean;
}

const ports = (process.argv[2] ?? '').split(',').filter(Boolean).map(Number);
const pending = new Map<number, () => void>();

function answer(id: number, result: string, detail = ''): void {
  if (!pending.has(id)) return;
  pending.delete(id);
  process.stdout.write(`${JSON.stringify({ id, result, detail })}\n`);
}

function errResult(e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return 'refused';
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'EACCES' || e.code === 'EPERM') return 'unreachable';
  return 'error';
}

function tcpProbe(p: Probe): void {
  const s = new Socket();
  const done = (): void => void s.destroy();
  pending.set(p.id, done);
  const timer = setTimeout(() => { answer(p.id, 'timeout'); done(); }, p.timeoutMs);
  // RST instead of FIN: no TIME_WAIT keeps the 4-tuple, so a re-run of the case can use the same source port
  s.on('connect', () => { clearTimeout(timer); answer(p.id, 'reply'); s.resetAndDestroy(); });
  s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); answer(p.id, errResult(e), e.code ?? e.message); done(); });
  s.on('close', () => clearTimeout(timer));
  s.connect({ host: p.dst, port: p.dport, localAddress: p.src, localPort: p.sport });
}

function udpProbe(p: Probe): void {
  const s: UdpSocket = createSocket({ type: 'udp4', reuseAddr: true });
  const done = (): void => { try { s.close(); } catch { /* closed */ } };
  pending.set(p.id, done);
  const timer = setTimeout(() => { answer(p.id, 'timeout'); done(); }, p.timeoutMs);
  s.on('message', () => { clearTimeout(timer); answer(p.id, 'reply'); done(); });
  s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); answer(p.id, errResult(e), e.code ?? e.message); done(); });
  s.bind({ address: p.src, port: p.sport }, () => {
    // connected: an ICMP error for the datagram comes back as ECONNREFUSED / EHOSTUNREACH on the socket
    s.connect(p.dport, p.dst, () => s.send(Buffer.from(`probe ${p.id}`)));
  });
}

// UDP servers bind each address: a reply from a 0.0.0.0 socket would leave from the interface's primary address,
// which conntrack does not take for the answer to a datagram sent to a secondary one.
const local = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
for (const port of ports) {
  // the client resets the connection (see tcpProbe): the server never closes first, so it keeps no TIME_WAIT either
  createServer((c) => void c.on('error', () => c.destroy()).on('end', () => c.destroy())).on('error', () => undefined).listen(port, '0.0.0.0');
  for (const addr of local) {
    const u = createSocket('udp4');
    u.on('message', (msg, rinfo) => u.send(msg, rinfo.port, rinfo.address));
    u.on('error', () => undefined);
    u.bind(port, addr);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let p: Probe;
  try {
    p = JSON.parse(line) as Probe;
  } catch {
    return;
  }
  if (p.cancel) {
    const stop = pending.get(p.id);
    answer(p.id, 'cancelled');
    stop?.();
    return;
  }
  if (p.proto === 'tcp') tcpProbe(p);
  else udpProbe(p);
}).on('close', () => process.exit(0));
process.stdout.write('ready\n');
