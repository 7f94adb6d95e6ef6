/**
 * bench/discovery: full discovery of the lab node vs. the same facts gathered "the shell way" — sequential
 * `docker` and `nsenter … ip` commands, one per fact, as an operator's script would. Goals: discovery < 300 ms on
 * loopback and ≥ 3× faster than the shell way. Also times discovery over SSH (loopback sshd of the lab).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connectNode, LOCAL_NODE } from '../src/core/connect';
import { discoverNode } from '../src/core/discovery';
import { checkHostKey } from '../src/core/transport/knownHosts';
import { labNodeConfig, readLab } from '../src/cli/nodes';

const RUNS = 7;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function shellWay(): number {
  const t = performance.now();
  const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  run('docker', ['info', '--format', '{{json .Swarm}}']);
  const nets = run('docker', ['network', 'ls', '-q']).split('\n').filter(Boolean);
  for (const n of nets) run('docker', ['network', 'inspect', n]);
  const ctrs = run('docker', ['ps', '-q']).split('\n').filter(Boolean);
  for (const c of ctrs) run('docker', ['inspect', c]);
  run('docker', ['service', 'ls']);
  run('docker', ['service', 'ps', '-q', 'web', 'echo']);
  run('ip', ['-d', 'addr']);
  run('ip', ['route']);
  run('ip', ['neigh']);
  run('bridge', ['fdb', 'show']);
  const dir = '/var/run/docker/netns';
  for (const ns of existsSync(dir) ? readdirSync(dir) : []) {
    for (const args of [['ip', '-d', 'addr'], ['ip', 'route'], ['ip', 'neigh'], ['bridge', 'fdb', 'show']]) run('nsenter', [`--net=${dir}/${ns}`, ...args]);
  }
  return performance.now() - t;
}

async function main(): Promise<void> {
  const local = await connectNode(LOCAL_NODE, { verifyHostKey: () => false });
  await discoverNode(local); // warm-up
  const ours: number[] = [];
  let nsCount = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const m = await discoverNode(local);
    ours.push(performance.now() - t);
    nsCount = m.namespaces.length;
  }
  const shell: number[] = [];
  for (let i = 0; i < 3; i++) shell.push(shellWay());
  const o = median(ours);
  const s = median(shell);
  console.log(`bench/discovery: ${nsCount} namespaces on the local lab node`);
  console.log(`  swarmnet discovery (local):   median ${o.toFixed(1)} ms over ${RUNS} runs  (goal < 300 ms: ${(o / 300).toFixed(2)}× of budget)`);
  console.log(`  shell way (sequential calls): median ${s.toFixed(1)} ms over 3 runs`);
  console.log(`  speed-up: ${(s / o).toFixed(1)}× (goal ≥ 3×)`);
  if (o >= 300 || s / o < 3) {
    console.log('bench/discovery: GOAL MISSED');
    process.exitCode = 1;
  }
  if (existsSync('.lab/lab.json')) {
    const lab = await readLab('.lab/lab.json');
    const kh = readFileSync(lab.knownHosts, 'utf8');
    const c = await connectNode(labNodeConfig(lab.nodes[0]), { verifyHostKey: (i) => checkHostKey(kh, i.host, i.port, i.keyType, i.key).status === 'match' });
    await discoverNode(c);
    const ssh: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await discoverNode(c);
      ssh.push(performance.now() - t);
    }
    const session: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await c.runner?.run(['true']);
      session.push(performance.now() - t);
    }
    await c.close();
    const x = median(ssh);
    const sx = median(session);
    console.log(`  swarmnet discovery over SSH (loopback sshd, Docker API tunnelled): median ${x.toFixed(1)} ms  (goal < 300 ms: ${(x / 300).toFixed(2)}×)`);
    console.log(`    of which the remote session start alone (exec of \`true\`: sshd + the user's login shell rc files): median ${sx.toFixed(1)} ms`);
  }
  await local.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
