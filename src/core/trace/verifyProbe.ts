/**
 * The one real packet `--verify` sends: a TCP connection attempt (SYN) or one UDP datagram with the traced
 * addresses and ports, from the source task's network namespace (nsenter on the node that runs it) or from a
 * node's host namespace standing in for an external client. The script is a constant; addresses and ports are
 * arguments (argv, never pasted into a shell line). It uses what the node has — python3, then nc, then bash's
 * /dev/tcp,/dev/udp — and says so when it has none of them.
 */
import { isIPv4 } from '../iptables/spec';
import type { NodeModel } from '../model';
import { nsenterArgv } from '../netns';
import type { CommandRunner } from '../transport/types';
import type { Hop } from './types';

export interface ProbeTarget {
  proto: 'tcp' | 'udp';
  /** Source address to bind; undefined = let the kernel choose. */
  src?: string;
  sport?: number;
  dst: string;
  dport: number;
}

export interface ProbeSource {
  node: string;
  /** "host" or a Docker namespace name. */
  namespace: string;
  /** Why the probe leaves from here (shown to the user). */
  why: string;
  /** Set when the traced source cannot send (an external address): the trace is re-predicted from here. */
  standIn?: { from: string; replaces: string };
}

export type ProbeOutcome = 'connected' | 'refused' | 'timeout' | 'sent' | 'answered' | 'error' | 'not-sent';

export interface ProbeResult {
  source: ProbeSource;
  target: ProbeTarget;
  /** python3, nc or bash; undefined when the node has none. */
  tool?: string;
  outcome: ProbeOutcome;
  detail: string;
  /** The argv that was run on the node (for the record). */
  argv: string[];
}

const PY = `import socket,sys
p,src,sport,dst,dport,t=sys.argv[1:7]
s=socket.socket(socket.AF_INET,socket.SOCK_STREAM if p=='tcp' else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.settimeout(float(t))
try:
  s.bind((src if src!='-' else '',int(sport) if sport!='-' else 0))
except OSError as e:
  print('note bind',src,sport,'failed:',e); s.bind(('',0))
print('local',*s.getsockname())
try:
  if p=='tcp':
    s.connect((dst,int(dport))); print('result connected')
  else:
    s.sendto(b'swarmnet-verify',(dst,int(dport))); print('result sent')
    s.recv(64); print('result answered')
except ConnectionRefusedError: print('result refused')
except socket.timeout: print('result timeout')
except OSError as e: print('result error',e)
s.close()`;

/** Constant script: $1 proto, $2 src|-, $3 sport|-, $4 dst, $5 dport, $6 timeout seconds, $7 python program. */
export const PROBE_SCRIPT = `p=$1 src=$2 sport=$3 dst=$4 dport=$5 t=$6
says() { case "$1:$2" in 0:*) echo "result $3";; 124:*|*:*[Tt]imed\\ out*|*:*[Tt]imeout*) echo "result timeout";; *:*refused*) echo "result refused";; *) echo "result error exit $1: $2";; esac; }
if command -v python3 >/dev/null 2>&1 && python3 -c 'import socket' >/dev/null 2>&1; then
  echo "tool python3"; exec python3 -c "$7" "$p" "$src" "$sport" "$dst" "$dport" "$t"
fi
if [ "$p" = tcp ]; then
  for nc in nc "busybox nc"; do
    $nc --help 2>&1 | grep -q -- '-p PORT' || continue
    echo "tool $nc"
    pa=""; [ "$sport" = - ] || pa="-p $sport"
    out=$(timeout "$t" $nc -w "$t" $pa "$dst" "$dport" </dev/null 2>&1 >/dev/null); says $? "$out" connected
    exit 0
  done
fi
if command -v bash >/dev/null 2>&1; then
  echo "tool bash"
  out=$(timeout "$t" bash -c 'exec 3<>"/dev/$0/$1/$2" && { [ "$0" = udp ] && printf swarmnet-verify >&3; true; }' "$p" "$dst" "$dport" 2>&1); rc=$?
  if [ "$p" = udp ]; then says $rc "$out" sent; else says $rc "$out" connected; fi
  exit 0
fi
echo "tool none"`;

/** argv that sends the probe from `ns` on a node (nsenter for a Docker namespace). */
export function probeArgv(ns: string, t: ProbeTarget, timeoutSec = 3): string[] {
  const args = [t.proto, t.src ?? '-', t.sport === undefined ? '-' : String(t.sport), t.dst, String(t.dport), String(timeoutSec), PY];
  return nsenterArgv(ns, ['sh', '-c', PROBE_SCRIPT, 'sh', ...args]);
}

/** Reads the probe script's output (tool / local / note / result lines). */
export function parseProbeOutput(stdout: string): { tool?: string; outcome: ProbeOutcome; detail: string } {
  let tool: string | undefined;
  let outcome: ProbeOutcome = 'error';
  const detail: string[] = [];
  for (const line of stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [w, ...rest] = line.split(/\s+/);
    if (w === 'tool') tool = rest.join(' ');
    else if (w === 'result') {
      const o = rest[0] as ProbeOutcome;
      outcome = ['connected', 'refused', 'timeout', 'sent', 'answered'].includes(o) ? o : 'error';
      if (rest.length > 1 || outcome === 'error') detail.push(rest.join(' '));
    } else if (w === 'local') detail.push(`sent from ${rest.join(':')}`);
    else if (w === 'note') detail.push(rest.join(' '));
  }
  if (tool === 'none') return { outcome: 'not-sent', detail: 'the node has neither python3, nc nor bash: no probe can be sent from it' };
  if (tool === undefined) outcome = 'error';
  return { tool, outcome, detail: detail.join('; ') };
}

export async function sendProbe(runner: CommandRunner, source: ProbeSource, target: ProbeTarget, opts: { timeoutSec?: number; signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const t = opts.timeoutSec ?? 3;
  const argv = probeArgv(source.namespace, target, t);
  const r = await runner.run(argv, { timeoutMs: (t + 10) * 1000, signal: opts.signal });
  const p = parseProbeOutput(r.stdout);
  const detail = p.outcome === 'error' && r.stderr.trim() ? `${p.detail} ${r.stderr.trim().slice(0, 300)}`.trim() : p.detail;
  return { source, target, tool: p.tool, outcome: p.outcome, detail, argv };
}

/** Which namespace of which node owns an address (an interface address in the discovered models). */
export function ownerOf(models: readonly NodeModel[], ip: string): { node: string; namespace: string } | undefined {
  for (const m of models) {
    for (const ns of m.namespaces) {
      if (ns.interfaces.some((i) => i.addresses.some((a) => a.family === 'inet' && a.address === ip))) return { node: m.name, namespace: ns.name };
    }
  }
  return undefined;
}

/**
 * Where the probe leaves from, given the predicted path's first hop: the namespace the trace starts in when it
 * is on a node we reach; a node that owns the source address; else (an external client) the host namespace of
 * another node than the entry node, standing in for the client.
 */
export function chooseProbeSource(first: Hop | undefined, srcIp: string, models: readonly NodeModel[], reachable: ReadonlySet<string>): ProbeSource | { error: string } {
  if (!first) return { error: 'the prediction has no hops: nothing to verify' };
  if (first.kind === 'enter' && first.nsKind !== undefined && !first.iface?.in && reachable.has(first.node)) {
    return { node: first.node, namespace: first.namespace, why: `from ${first.node}/${first.namespace}, where the traced packet starts` };
  }
  const owner = isIPv4(srcIp) ? ownerOf(models, srcIp) : undefined;
  if (owner && reachable.has(owner.node)) return { node: owner.node, namespace: owner.namespace, why: `from ${owner.node}/${owner.namespace}, which owns ${srcIp}` };
  const stand = models.find((m) => m.name !== first.node && reachable.has(m.name) && m.swarm?.nodeAddr && isIPv4(m.swarm.nodeAddr));
  if (!stand?.swarm) return { error: `${srcIp} is an external client and no other reachable node can stand in for it` };
  return {
    node: stand.name,
    namespace: 'host',
    why: `from ${stand.name}'s host namespace (${stand.swarm.nodeAddr}) standing in for the external client ${srcIp}`,
    standIn: { from: stand.swarm.nodeAddr, replaces: srcIp },
  };
}

/** "TCP 1.2.3.4:40000 → 5.6.7.8:80 …" of a hop → the 5-tuple; undefined when the hop's packet text has none. */
export function tupleOf(packet: string): ProbeTarget | undefined {
  const m = /^(TCP|UDP) (\d+\.\d+\.\d+\.\d+):(\d+) → (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(packet);
  if (!m) return undefined;
  return { proto: m[1] === 'TCP' ? 'tcp' : 'udp', src: m[2], sport: Number(m[3]), dst: m[4], dport: Number(m[5]) };
}
