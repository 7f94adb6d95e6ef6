/**
 * The kernel side of the differential test: builds the namespaces (scripts/kernel-netns.sh), creates the ipsets,
 * starts one agent per namespace and `xtables-monitor --trace` in the router; per case it loads the rules with
 * iptables-restore (plus a `-j TRACE` rule first in raw PREROUTING), flushes conntrack, sends the flow's packet
 * and reads back what the kernel did with it and with the server's answer.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Flow } from './flows';
import { dockerIpsets } from './layouts';
import { fateOf, findPacket, TraceStream, type TraceEvent, type TracedPacket } from './monitor';
import { userIpsets } from './rules';
import { CLIENT_PORTS, LINKS, PREFIX, SERVER_PORTS } from './topology';

const ROOT = join(__dirname, '..', '..');
const ROUTER = `${PREFIX}r`;

export interface KernelResult {
  /** The router's `iptables-save` after loading: chain → rules (`-A CHAIN ...`), for positions. */
  saved: Map<string, string[]>;
  forward?: TracedPacket;
  reply?: TracedPacket;
  verdict: 'DELIVER' | 'DROP' | 'REJECT' | 'LOST';
  dropBy?: TraceEvent;
  replyVerdict?: 'ACCEPT' | 'DROP' | 'REJECT' | 'NONE';
  agent: string;
  restoreError?: string;
}

function run(cmd: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

export function canRun(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const bin of ['ip', 'iptables-restore', 'xtables-monitor', 'conntrack', 'ipset', 'stdbuf']) if (run('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} not installed`;
  if (!/nf_tables/.test(run('iptables', ['--version']).stdout)) return 'iptables is not the nf_tables variant (xtables-monitor --trace needs it)';
  return undefined;
}

class Agent {
  private readonly waiting = new Map<number, (r: string) => void>();
  constructor(readonly ns: string, readonly proc: ChildProcessWithoutNullStreams, readonly ready: Promise<void>) {}
  static start(ns: string, ports: number[]): Agent {
    const proc = spawn('ip', ['netns', 'exec', `${PREFIX}${ns}`, process.execPath, '--import', 'tsx', join(__dirname, 'agent.ts'), ports.join(',')], { cwd: ROOT });
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const a = new Agent(ns, proc, ready);
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (l === 'ready') return resolveReady();
      try {
        const m = JSON.parse(l) as { id: number; result: string; detail: string };
        a.waiting.get(m.id)?.(m.detail ? `${m.result} (${m.detail})` : m.result);
        a.waiting.delete(m.id);
      } catch { /* not ours */ }
    });
    proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[agent ${ns}] ${d.toString()}`));
    return a;
  }
  probe(id: number, p: { proto: string; src: string; sport: number; dst: string; dport: number }, timeoutMs: number): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.proc.stdin.write(`${JSON.stringify({ id, ...p, timeoutMs })}\n`);
    });
  }
  cancel(id: number): void {
    this.proc.stdin.write(`${JSON.stringify({ id, cancel: true })}\n`);
  }
}

/**
 * raw PREROUTING gets `-j TRACE` as its first rule (the dump's own raw rules follow it); a dump without a mangle
 * table gets an empty one, so that the previous case's mangle rules go.
 */
export function withTrace(dump: string): string {
  const restore = dump.includes('*mangle\n') ? dump : `*mangle\nCOMMIT\n${dump}`;
  const at = restore.indexOf('*raw\n');
  if (at < 0) return `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j TRACE\nCOMMIT\n${restore}`;
  const firstRule = restore.indexOf('\n-A ', at);
  const commit = restore.indexOf('\nCOMMIT', at);
  const cut = firstRule >= 0 && firstRule < commit ? firstRule : commit;
  return `${restore.slice(0, cut)}\n-A PREROUTING -j TRACE${restore.slice(cut)}`;
}

function parseSave(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let table = '';
  for (const l of text.split('\n')) {
    if (l.startsWith('*')) table = l.slice(1);
    const m = /^-A (\S+) /.exec(l);
    if (!m) continue;
    const key = `${table}/${m[1]}`;
    out.set(key, [...(out.get(key) ?? []), l]);
  }
  return out;
}

export class KernelBed {
  private agents = new Map<string, Agent>();
  private monitor?: ChildProcessWithoutNullStreams;
  private readonly stream = new TraceStream();
  private nextId = 1;
  private monitorErrors = '';
  monitorStarts = 0;
  ipsetSave = '';

  private readonly onSignal = (): void => {
    this.down();
    process.exit(130);
  };

  async up(): Promise<void> {
    // a run stopped by a signal still removes its namespaces and processes (after() would not run)
    process.once('SIGINT', this.onSignal).once('SIGTERM', this.onSignal);
    run('bash', [join(ROOT, 'scripts/kernel-netns.sh'), 'stale']);
    const r = run('bash', [join(ROOT, 'scripts/kernel-netns.sh'), 'up', PREFIX]);
    if (r.status !== 0) throw new Error(`kernel-netns.sh up failed: ${r.stderr}`);
    const sets = run('ip', ['netns', 'exec', ROUTER, 'ipset', 'restore'], [...dockerIpsets(), ...userIpsets(), ''].join('\n'));
    if (sets.status !== 0) throw new Error(`ipset restore failed: ${sets.stderr}`);
    this.ipsetSave = run('ip', ['netns', 'exec', ROUTER, 'ipset', 'save']).stdout;
    for (const l of LINKS) this.agents.set(l.ns, Agent.start(l.ns, l.kind === 'client' ? CLIENT_PORTS : SERVER_PORTS));
    await Promise.all([...this.agents.values()].map((a) => a.ready));
    run('ip', ['netns', 'exec', ROUTER, 'iptables-restore'], withTrace(''));
    await this.startMonitor();
  }

  /**
   * xtables-monitor exits ("error: No such file or directory") when a late packet of the previous case is traced
   * while iptables-restore replaces the rules it would print: it is restarted, and the case run again.
   */
  private async startMonitor(): Promise<void> {
    this.monitorStarts++;
    const m = spawn('ip', ['netns', 'exec', ROUTER, 'stdbuf', '-oL', 'xtables-monitor', '--trace']);
    this.monitor = m;
    m.stdout.on('data', (d: Buffer) => this.stream.feed(d.toString()));
    m.stderr.on('data', (d: Buffer) => (this.monitorErrors += d.toString()));
    m.on('exit', () => {
      if (this.monitor === m) this.monitor = undefined;
    });
    if (!(await this.sync())) throw new Error(`xtables-monitor --trace shows nothing in ${ROUTER}: ${this.monitorErrors}`);
  }

  down(): void {
    process.off('SIGINT', this.onSignal).off('SIGTERM', this.onSignal);
    for (const a of this.agents.values()) a.proc.kill();
    this.monitor?.kill();
    this.agents.clear();
    run('bash', [join(ROOT, 'scripts/kernel-netns.sh'), 'down', PREFIX]);
  }

  /** Sends a traced packet the bed knows to wait for: every event before it has then been read. */
  private async sync(): Promise<boolean> {
    const a = this.agents.get('c1');
    if (!a) return false;
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = this.nextId++;
      const sport = 10000 + (id % 9000);
      void a.probe(id, { proto: 'udp', src: '198.18.101.5', sport, dst: '198.18.101.1', dport: 9 }, 300);
      const until = Date.now() + 500;
      while (Date.now() < until) {
        if (findPacket(this.stream.packets, { src: '198.18.101.5', dport: 9, sport })) return true;
        await this.stream.next(50);
      }
    }
    return false;
  }

  lastPackets(): TracedPacket[] {
    return this.stream.packets;
  }

  /** Runs a case; again (up to twice) when the monitor died during it. */
  async runCase(restore: string, flow: Flow): Promise<KernelResult> {
    for (let attempt = 0; ; attempt++) {
      if (!this.monitor) await this.startMonitor();
      const starts = this.monitorStarts;
      const r = await this.runOnce(restore, flow);
      if (this.monitor && starts === this.monitorStarts) return r;
      if (attempt >= 2) throw new Error(`xtables-monitor keeps exiting: ${this.monitorErrors}`);
    }
  }

  private async runOnce(restore: string, flow: Flow): Promise<KernelResult> {
    const load = run('ip', ['netns', 'exec', ROUTER, 'sh', '-c', 'iptables-restore || exit 3; conntrack -F >/dev/null 2>&1; iptables-save'], withTrace(restore));
    const saved = parseSave(load.stdout);
    if (load.status !== 0) return { saved, verdict: 'LOST', agent: '', restoreError: load.stderr.trim() };
    this.stream.clear();
    const agent = this.agents.get(flow.fromNs);
    if (!agent) throw new Error(`no agent in ${flow.fromNs}`);
    const id = this.nextId++;
    const done = agent.probe(id, { proto: flow.proto, src: flow.src, sport: flow.sport, dst: flow.dst, dport: flow.dport }, 2500);
    let finished = false;
    let agentResult = '';
    void done.then((r) => ((finished = true), (agentResult = r)));
    const fwdMatch = { src: flow.src, dst: flow.dst, sport: flow.sport, dport: flow.dport };
    const replyMatch = { src: flow.fwdDst, sport: flow.fwdDport, dport: flow.sport };
    while (!finished) {
      const fwd = findPacket(this.stream.packets, fwdMatch);
      const rep = fwd && findPacket(this.stream.packets, replyMatch, fwd);
      if ((fwd && fateOf(fwd).verdict !== 'ACCEPT') || (rep && fateOf(rep).verdict !== 'ACCEPT')) {
        agent.cancel(id);
        break;
      }
      await Promise.race([this.stream.next(100), done]);
    }
    agentResult = await done;
    if (!(await this.sync())) return { saved, verdict: 'LOST', agent: agentResult };
    const forward = findPacket(this.stream.packets, fwdMatch);
    const reply = forward && findPacket(this.stream.packets, replyMatch, forward);
    const res: KernelResult = { saved, forward, reply, verdict: 'LOST', agent: agentResult };
    if (!forward) return res;
    const f = fateOf(forward);
    if (f.verdict !== 'ACCEPT') return { ...res, verdict: f.verdict, dropBy: f.by, replyVerdict: 'NONE' };
    if (!reply) return res;
    return { ...res, verdict: 'DELIVER', replyVerdict: fateOf(reply).verdict };
  }
}
