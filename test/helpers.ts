/** Paths shared by tests: the repo root, the team's shared fixtures, our own fixtures, the lab description. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..');
export const SHARED = process.env.SWARMNET_SHARED ?? resolve(REPO, '..', 'shared');
export const SEEDS = join(SHARED, 'fixtures', 'seed-outputs');
export const FIXTURES = join(REPO, 'test', 'fixtures');
export const LAB_JSON = join(REPO, '.lab', 'lab.json');

export function seed(name: string): string {
  return readFileSync(join(SEEDS, name), 'utf8');
}

export function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

/** Lab tests need the lab: they fail loudly (not skip) when it is missing, since CI always starts it. */
export function requireLab(): void {
  if (!existsSync(LAB_JSON)) throw new Error(`the lab is not up (${LAB_JSON} missing): run \`npm run lab\` first`);
}

/** A free TCP port on 127.0.0.1: the OS picks it; it is released just before the caller binds it. */
export async function freePort(): Promise<number> {
  return new Promise((resolveP, rejectP) => {
    const srv = createServer();
    srv.once('error', rejectP);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        rejectP(new Error('could not get a free port'));
        return;
      }
      const port = addr.port;
      srv.close(() => resolveP(port));
    });
  });
}

/** The lab's lock: shared by the tests that read the lab or send probes, exclusive for the ones that change it. */
export const LAB_LOCK = '/tmp/swarmnet-lab.lock';

/** Runs fn while holding the lab lock (shared for reads and probes, exclusive for changes). */
export async function withLabLock<T>(mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> {
  const p = spawn('flock', [...(mode === 'shared' ? ['-s'] : []), LAB_LOCK, 'sh', '-c', 'echo locked; read x'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    p.on('exit', (c) => reject(new Error(`flock exited ${c}`)));
  });
  try {
    return await fn();
  } finally {
    const done = new Promise((r) => p.on('exit', r));
    p.stdin.end('\n');
    await done;
  }
}
