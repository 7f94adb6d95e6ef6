/**
 * The persistent remote shell behind SshRunner.run() against real OpenSSH servers on loopback: the same results
 * as an exec channel for a corpus of commands, the end-marker reader split at every byte, timeout / output cap /
 * cancel / the shell killed on the server (each followed by a working run on a new shell), concurrency beyond
 * the shell, hostile argv, `sudo -n`, and servers that give no shell (ForceCommand, no `sh`, a shell that never
 * answers) → exec without a word.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MarkerScanner, SshRunner, type SshRunnerOptions, type SshTarget } from '../../src/core/transport/ssh';
import { TransportError, type RunOptions, type RunResult } from '../../src/core/transport/types';
import { ensureTestUser, makeKey, removeTestUser, startSshd, TEST_USER, type KeyPair, type Sshd } from './sshd';

let dir = '';
let key: KeyPair;
let sshd: Sshd;
let restricted: Sshd;
let wrapped: Sshd;
let oneSession: Sshd;
let createdUser = false;
const runners: SshRunner[] = [];

function target(s: Sshd, extra: Partial<SshTarget> = {}): SshTarget {
  return { host: '127.0.0.1', port: s.port, username: 'root', privateKey: readFileSync(key.path), verifyHostKey: (i) => i.key.equals(s.hostKey.blob), readyTimeoutMs: 5000, ...extra };
}

async function connect(s: Sshd, opts: SshRunnerOptions = {}, extra: Partial<SshTarget> = {}): Promise<SshRunner> {
  const r = await SshRunner.connect(target(s, extra), opts);
  runners.push(r);
  return r;
}

const view = (r: RunResult): Omit<RunResult, 'durationMs'> => ({ stdout: r.stdout, stderr: r.stderr, code: r.code, timedOut: r.timedOut, truncated: r.truncated });
const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));
const alive = (pattern: string): boolean => spawnSync('pgrep', ['-f', pattern]).status === 0;

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-pshell-'));
  chmodSync(dir, 0o755);
  key = makeKey(dir, 'id');
  // A wrapper that runs commands normally but gives `exec sh` (how the runner opens its shell) the treatment
  // named in the mode file: 'nosh' (sh missing), 'hang' (swallows input, never answers), 'noisy' (rc files that
  // print before the shell starts), else a real shell; 'slow' delays every session by 1.5 s (a slow login).
  const wrapper = join(dir, 'force.sh');
  writeFileSync(join(dir, 'mode'), 'normal\n');
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      'if [ "$SSH_ORIGINAL_COMMAND" = "exec sh" ]; then',
      `  case "$(cat ${dir}/mode)" in`,
      '    nosh) echo "sh: 1: exec: sh: not found" >&2; exit 127 ;;',
      '    hang) exec cat >/dev/null ;;',
      '    noisy) printf "Welcome to the node\\nno newline" ; printf "rc warning\\n" >&2 ;;',
      '  esac',
      'fi',
      `[ "$(cat ${dir}/mode)" = slow ] && sleep 1.5`,
      'exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  [sshd, restricted, wrapped, oneSession] = await Promise.all([
    startSshd({ authorizedKeys: [key.pub] }),
    startSshd({ authorizedKeys: [key.pub], extraConfig: ['ForceCommand echo restricted'] }),
    startSshd({ authorizedKeys: [key.pub], extraConfig: [`ForceCommand ${wrapper}`] }),
    startSshd({ authorizedKeys: [key.pub], extraConfig: ['MaxSessions 1'] }),
  ]);
  createdUser = ensureTestUser();
});

after(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await Promise.all([sshd?.stop(), restricted?.stop(), wrapped?.stop(), oneSession?.stop()]);
  if (createdUser) removeTestUser();
  rmSync(dir, { recursive: true, force: true });
});

test('MarkerScanner: the stream split at every pair of positions gives back exactly the bytes before the marker and after it', () => {
  const marker = Buffer.from('swarmnet-end-00ff:');
  const before = Buffer.concat([
    Buffer.from('swarmnet-end-00fe: another nonce\nswarmnet-end-00f'),
    Buffer.from([0, 1, 0xfe, 0xff, 0x0a, 0x73]), // binary, and a lone 's' (the marker's first byte)
    Buffer.from('swarmnet-end-00f'), // a prefix of the marker right before the real one
  ]);
  const after = Buffer.from('0\n');
  const stream = Buffer.concat([before, marker, after]);
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j++) {
      const got: Buffer[] = [];
      const sc = new MarkerScanner(marker, (b) => got.push(Buffer.from(b)));
      const results = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)].map((c) => sc.push(c));
      assert.equal(results[2], true);
      assert.ok(Buffer.concat(got).equals(before), `split at ${i}/${j}`);
      assert.ok(sc.rest.equals(after), `rest at ${i}/${j}`);
    }
  }
  const none = new MarkerScanner(marker, () => undefined);
  assert.equal(none.push(Buffer.from('no marker here swarmnet-end-00ff')), false);
  assert.equal(none.found, false);
});

test('a corpus of commands: the persistent shell gives what an exec channel gives (stdout, stderr, exit code, binary, no trailing newline, marker-like output)', async () => {
  const blob = Buffer.alloc(70_000);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + (i >> 8)) & 0xff;
  const blobPath = join(dir, 'blob.bin');
  writeFileSync(blobPath, blob);
  const fake = 'swarmnet-end-' + '0'.repeat(32);
  const corpus: { argv: string[]; opts?: RunOptions }[] = [
    { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] },
    { argv: ['true'] },
    { argv: ['false'] },
    { argv: ['sh', '-c', 'exit 255'] },
    { argv: ['printf', '%s', 'no trailing newline'] },
    { argv: ['sh', '-c', 'printf "stderr without newline" >&2'] },
    { argv: ['printf', ''] },
    { argv: ['cat', blobPath] },
    { argv: ['sh', '-c', `cat ${blobPath} >&2; printf tail`] },
    { argv: ['printf', `${fake}:0\\n%s`, 'after a fake marker'] },
    { argv: ['sh', '-c', `printf '${fake}\\n' >&2; printf '${fake}:'; printf 'swarmnet-end-'`] },
    { argv: ['printf', 'swarmnet-en'] },
    { argv: ['sh', '-c', 'for i in 1 2 3; do echo o$i; echo e$i >&2; done'] },
    { argv: ['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" a'] },
    { argv: ['cat'] }, // stdin is empty: it must not read the shell's command stream
    { argv: ['sh', '-c', 'read x; echo "got [$x] $?"'] },
    { argv: ['sh', '-c', 'echo "$HOME $(pwd) $(umask) $(id -un)"; ls -l /proc/self/fd | wc -l'] },
    { argv: ['printf', '%s\\n', 'üñíçødé ☃', 'tab\there'] },
    { argv: ['definitely-not-a-command-xyz'] },
    { argv: ['sh', '-c', 'sleep 0.2; echo slow'] },
    { argv: ['sh', '-c', 'yes | head -c 5000000'], opts: { maxOutputBytes: 1024 * 1024 } },
  ];
  const shell = await connect(sshd);
  const exec = await connect(sshd, { shell: 'off' });
  for (const { argv, opts } of corpus) {
    const before = shell.stats.shellRuns;
    const [a, b] = await Promise.all([shell.run(argv, opts), exec.run(argv, opts)]);
    assert.equal(shell.stats.shellRuns, before + 1, `${JSON.stringify(argv)} ran on the shell`);
    assert.deepEqual(view(a), view(b), JSON.stringify(argv));
  }
  assert.equal(exec.stats.shellRuns, 0);
  assert.equal(shell.stats.execRuns, 0);
  // Independent checks that both got it right (not merely the same).
  const bin = await shell.run(['cat', blobPath]);
  assert.equal(bin.stdout, blob.toString('utf8'));
  const capped = await shell.run(['sh', '-c', 'yes | head -c 5000000'], { maxOutputBytes: 1024 * 1024 });
  assert.deepEqual([capped.truncated, capped.code, capped.stdout.length, capped.stdout.slice(0, 4)], [true, null, 1024 * 1024, 'y\ny\n']);
  assert.equal((await shell.run(['printf', 'swarmnet-en'])).stdout, 'swarmnet-en');
  // A signal death: exec reports null; the shell only has `$?` (128+n) — and no "Killed" from the shell.
  const killedShell = await shell.run(['sh', '-c', 'kill -9 $$']);
  const killedExec = await exec.run(['sh', '-c', 'kill -9 $$']);
  assert.deepEqual([killedShell.code, killedShell.stderr, killedExec.code, killedExec.stderr], [137, '', null, '']);
});

test('the shell is opened right after connect (eager) or on the first run (lazy), once, and reused', async () => {
  const eager = await connect(sshd);
  await until('the eager shell', () => eager.shellPids.length === 1);
  const pid = eager.shellPids[0];
  process.kill(pid, 0); // throws if no such process
  for (let i = 0; i < 5; i++) assert.equal((await eager.run(['echo', String(i)])).stdout, `${i}\n`);
  assert.deepEqual(eager.shellPids, [pid]);
  assert.deepEqual(eager.stats, { shellRuns: 5, execRuns: 0, shellsOpened: 1 });
  const lazy = await connect(sshd, { shell: 'lazy' });
  await sleep(300);
  assert.deepEqual(lazy.shellPids, []);
  assert.equal((await lazy.run(['echo', 'first'])).stdout, 'first\n');
  assert.equal(lazy.shellPids.length, 1);
  assert.deepEqual(lazy.stats, { shellRuns: 1, execRuns: 0, shellsOpened: 1 });
  // A command with stdin data keeps its own exec channel.
  assert.equal((await lazy.run(['cat'], { stdin: 'piped\ninput' })).stdout, 'piped\ninput');
  assert.equal(lazy.stats.execRuns, 1);
});

test('timeout: timedOut within the time, the shell is dropped, the remote command dies by its remote timeout, the next run gets a new shell', async () => {
  const r = await connect(sshd);
  assert.equal((await r.run(['echo', 'warm'])).stdout, 'warm\n');
  const [pid] = r.shellPids;
  const marker = `${41 + Math.floor(Math.random() * 1000) / 1000}`;
  const started = Date.now();
  const res = await r.run(['sh', '-c', `echo partial; exec sleep ${marker}`], { timeoutMs: 1000 });
  assert.ok(Date.now() - started < 10_000, `returned after ${Date.now() - started} ms (the sleep lasts ${marker} s)`);
  assert.deepEqual([res.timedOut, res.code, res.stdout], [true, null, 'partial\n']);
  assert.ok(!r.shellPids.includes(pid), 'the timed-out shell is gone');
  await until(`sleep ${marker} to end on the node`, () => !alive(`^sleep ${marker}$`), 5000);
  assert.equal((await r.run(['echo', 'recovered'])).stdout, 'recovered\n');
  assert.equal(r.stats.shellsOpened, 2);
  assert.equal(r.stats.execRuns, 0);
});

test('output cap: truncated and killed at once, then a new shell', async () => {
  const r = await connect(sshd);
  const started = Date.now();
  const res = await r.run(['sh', '-c', 'yes | head -c 50000000'], { maxOutputBytes: 1024 * 1024, timeoutMs: 20_000 });
  assert.deepEqual([res.truncated, res.timedOut, res.code, Buffer.byteLength(res.stdout) + Buffer.byteLength(res.stderr)], [true, false, null, 1024 * 1024]);
  assert.ok(Date.now() - started < 5000, `returned after ${Date.now() - started} ms`);
  const after = await r.run(['sh', '-c', 'echo clean; echo e >&2']);
  assert.deepEqual([after.stdout, after.stderr, after.code], ['clean\n', 'e\n', 0]);
  assert.equal(r.stats.shellsOpened, 2);
});

test('cancel: rejected as cancelled at once, the remote command ends, the next run works', async () => {
  const r = await connect(sshd);
  await r.run(['true']);
  const marker = `${51 + Math.floor(Math.random() * 1000) / 1000}`;
  const ac = new AbortController();
  const pending = r.run(['sleep', marker], { signal: ac.signal, timeoutMs: 2000 });
  await until('the command to start', () => alive(`^sleep ${marker}$`));
  const started = Date.now();
  ac.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof TransportError && e.kind === 'cancelled');
  // kind 'cancelled', not 'timeout', already says the abort won over the 2 s timeout; the time only has to be below it
  assert.ok(Date.now() - started < 2000, `cancelled after ${Date.now() - started} ms (the timeout is 2 s)`);
  await until(`sleep ${marker} to end on the node`, () => !alive(`^sleep ${marker}$`), 5000);
  assert.equal((await r.run(['echo', 'after cancel'])).stdout, 'after cancel\n');
  // Cancelled before it started: rejected, nothing run.
  const done = new AbortController();
  done.abort();
  await assert.rejects(r.run(['echo', 'x'], { signal: done.signal }), (e: unknown) => e instanceof TransportError && e.kind === 'cancelled');
});

test('the shell killed on the server mid-command → a clear connect error at once; the connection stays and the next run gets a new shell', async () => {
  const r = await connect(sshd);
  await r.run(['true']);
  const [pid] = r.shellPids;
  const pending = r.run(['sleep', '20'], { timeoutMs: 15_000 });
  await sleep(300);
  process.kill(pid, 'SIGKILL');
  const started = Date.now();
  await assert.rejects(pending, (e: unknown) => e instanceof TransportError && e.kind === 'connect' && /remote shell ended while running sleep/.test(e.message));
  assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms (the sleep lasts 20 s)`);
  assert.equal(r.isClosed, false);
  const next = await r.run(['sh', '-c', 'echo $$']);
  assert.equal(next.code, 0);
  assert.equal(r.shellPids.length, 1);
  assert.notEqual(r.shellPids[0], pid);
});

test('the connection lost while a run waits for the shell to start → a typed connect error naming the node, no raw ssh2 error', async () => {
  const r = await connect(sshd);
  const pending = r.run(['echo', 'never']);
  for (const p of sshd.sessionPids()) process.kill(p, 'SIGKILL');
  await assert.rejects(pending, (e: unknown) => e instanceof TransportError && e.kind === 'connect' && e.message.includes(`127.0.0.1:${sshd.port}`));
  await until('the runner to notice', () => r.isClosed);
  await assert.rejects(r.run(['true']), (e: unknown) => e instanceof TransportError && e.kind === 'connect');
});

test('output after a command returned (a background child) never reaches the next command: that shell is replaced', async () => {
  const r = await connect(sshd);
  const bg = await r.run(['sh', '-c', '(sleep 0.3; echo late; echo late-err >&2) & echo now']);
  assert.equal(bg.stdout, 'now\n');
  await sleep(600);
  const next = await r.run(['sh', '-c', 'echo clean; echo e >&2']);
  assert.deepEqual([next.stdout, next.stderr], ['clean\n', 'e\n']);
  assert.equal(r.stats.shellsOpened, 2);
});

test('concurrency: runs that outlast a login wait for a shell that long, then take exec channels (or more shells with maxShells); every result is its own', async () => {
  for (const maxShells of [1, 2]) {
    const r = await connect(sshd, { maxShells });
    await r.run(['true']);
    const login = r.loginMs ?? assert.fail('no shell start measured');
    // each job holds its shell for longer than a login takes here: the runs behind it stop waiting and use exec
    const hold = ((2 * login + 200) / 1000).toFixed(2);
    const ids = Array.from({ length: 6 }, (_, i) => `job${i}-${maxShells}`);
    const results = await Promise.all(ids.map((id, i) => r.run(['sh', '-c', `sleep ${hold}; printf '%s' "$0"; printf 'E%s' "$0" >&2; exit ${i}`, id], { timeoutMs: 30000 })));
    results.forEach((res, i) => assert.deepEqual([res.stdout, res.stderr, res.code], [ids[i], `E${ids[i]}`, i]));
    assert.ok(r.stats.shellRuns >= maxShells, JSON.stringify(r.stats));
    assert.ok(r.stats.execRuns >= 1, JSON.stringify(r.stats));
    assert.equal(r.stats.shellsOpened, maxShells, JSON.stringify(r.stats));
    assert.equal(r.shellPids.length, maxShells);
  }
});

test('a slow login (the server adds 1.5 s to every session, as heavy rc files do): a burst of short runs waits for the shells, opens no exec channel, and ends in less than two logins', async () => {
  writeFileSync(join(dir, 'mode'), 'slow\n');
  try {
    const r = await connect(wrapped);
    await r.run(['true']);
    const login = r.loginMs ?? assert.fail('no shell start measured');
    assert.ok(login >= 1500, `login measured ${login} ms`);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => r.run(['sh', '-c', `sleep 0.02; echo ${i}`], { timeoutMs: 30000 })));
    const took = Date.now() - t0;
    assert.deepEqual(results.map((x) => x.stdout), results.map((_, i) => `${i}\n`));
    assert.equal(r.stats.execRuns, 0, JSON.stringify(r.stats));
    assert.ok(took < 2 * login, `the burst took ${took} ms, a login ${login} ms`);
  } finally {
    writeFileSync(join(dir, 'mode'), 'normal\n');
  }
});

test('a run cancelled while it waits for a busy shell: rejected as cancelled at once, and the shell stays free for the next run', async () => {
  // (a slow login, so the run waits for the shell rather than taking an exec channel, on any machine)
  writeFileSync(join(dir, 'mode'), 'slow\n');
  const r = await connect(wrapped, { maxShells: 1 });
  await r.run(['true']);
  writeFileSync(join(dir, 'mode'), 'normal\n');
  const holding = r.run(['sh', '-c', 'sleep 0.5; echo held']);
  const ac = new AbortController();
  const waiting = r.run(['echo', 'never'], { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  const t0 = Date.now();
  await assert.rejects(waiting, (e: unknown) => e instanceof TransportError && e.kind === 'cancelled');
  assert.ok(Date.now() - t0 < 300, `cancelled after ${Date.now() - t0} ms`);
  assert.equal((await holding).stdout, 'held\n');
  assert.equal((await r.run(['echo', 'next'])).stdout, 'next\n');
  assert.equal(r.stats.shellsOpened, 1, JSON.stringify(r.stats));
});

test('more concurrent runs than sshd allows sessions (MaxSessions 10, the shell counts): the refused ones wait for the shell', async () => {
  const r = await connect(sshd);
  await r.run(['true']);
  // each run holds its channel longer than a login takes here, so the runs behind the shells take exec channels
  const hold = ((2 * (r.loginMs ?? assert.fail('no shell start measured')) + 300) / 1000).toFixed(2);
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => r.run(['sh', '-c', `sleep ${hold}; echo ${i}`], { timeoutMs: 60000 })));
  assert.deepEqual(
    results.map((x) => x.stdout),
    results.map((_, i) => `${i}\n`),
  );
  assert.ok(r.stats.shellRuns >= 2 && r.stats.execRuns >= 10, JSON.stringify(r.stats));
});

test('a server allowing one session (MaxSessions 1): the shell holds it, overlapping runs wait for it and all succeed', async () => {
  const r = await connect(oneSession);
  const results = await Promise.all(Array.from({ length: 5 }, (_, i) => r.run(['sh', '-c', `sleep 0.1; echo ${i}; echo e${i} >&2; exit ${i}`])));
  assert.deepEqual(
    results.map((x) => [x.stdout, x.stderr, x.code]),
    results.map((_, i) => [`${i}\n`, `e${i}\n`, i]),
  );
  assert.equal(r.stats.shellRuns, 5, JSON.stringify(r.stats));
  assert.equal((await r.run(['echo', 'after'])).stdout, 'after\n');
});

test('hostile argv through the shell: every argument arrives as one literal, nothing runs, the shell survives', async () => {
  const canary = join(dir, 'canary');
  mkdirSync(canary);
  const names = [
    `x;touch ${canary}/semicolon`,
    `$(touch ${canary}/dollar)`,
    `\`touch ${canary}/backtick\``,
    `a\ntouch ${canary}/newline`,
    `a\nexit 0`,
    `'; touch ${canary}/quote; '`,
    `) ; touch ${canary}/paren ; (`,
    `</dev/null; touch ${canary}/redir`,
    `# comment`,
    `printf '%s%s:%s\\n' 'swarmnet-end-' 'x' 0`,
    'swarmnet-end-00000000000000000000000000000000:0\n',
    '\\',
    '',
    ' ',
    '-c',
    'üñí ☃',
  ];
  const r = await connect(sshd);
  for (const sudo of [false, true]) {
    const rr = sudo ? await connect(sshd, { sudo: true }) : r;
    const res = await rr.run(['printf', '%s\\0', ...names]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.split('\0').slice(0, -1), names);
    assert.ok(rr.stats.shellRuns >= 1);
  }
  assert.deepEqual(readdirSync(canary), []);
  assert.equal((await r.run(['echo', 'still here'])).stdout, 'still here\n');
  assert.equal(r.stats.shellsOpened, 1, 'the same shell all along');
});

test('sudo -n without NOPASSWD through the shell: the same clear sudo error', async () => {
  const r = await connect(sshd, { sudo: true }, { username: TEST_USER });
  await assert.rejects(r.run(['ip', '-j', 'addr']), (e: unknown) => e instanceof TransportError && e.kind === 'sudo' && /sudo needs a password for ip/.test(e.message));
  assert.equal(r.stats.shellRuns, 1);
  const plain = await connect(sshd, {}, { username: TEST_USER });
  assert.equal((await plain.run(['id', '-un'])).stdout, `${TEST_USER}\n`);
  assert.equal(plain.stats.shellRuns, 1);
});

test('no shell on the server (ForceCommand, sh missing, a shell that never answers): exec without a word, and no further attempts; a noisy login is skipped', async () => {
  const forced = await connect(restricted);
  const plain = await connect(restricted, { shell: 'off' });
  const [a, b] = await Promise.all([forced.run(['echo', 'hi']), plain.run(['echo', 'hi'])]);
  assert.deepEqual(view(a), view(b));
  assert.equal(a.stdout, 'restricted\n');
  await forced.run(['true']);
  assert.deepEqual(forced.stats, { shellRuns: 0, execRuns: 2, shellsOpened: 1 });

  for (const mode of ['nosh', 'hang']) {
    writeFileSync(join(dir, 'mode'), `${mode}\n`);
    const r = await connect(wrapped, { shell: 'lazy', shellReadyTimeoutMs: 700 });
    const started = Date.now();
    const res = await r.run(['sh', '-c', 'echo fine; exit 4']);
    assert.deepEqual([res.stdout, res.code], ['fine\n', 4], mode);
    assert.ok(Date.now() - started < 10_000, `${mode}: ${Date.now() - started} ms`);
    assert.equal((await r.run(['echo', 'again'])).stdout, 'again\n');
    assert.deepEqual(r.stats, { shellRuns: 0, execRuns: 2, shellsOpened: 1 }, mode);
  }
  writeFileSync(join(dir, 'mode'), 'noisy\n');
  const logged: string[] = [];
  const noisy = await connect(wrapped, { logger: { error: () => undefined, warn: () => undefined, info: () => undefined, debug: (m) => logged.push(m) } });
  const clean = await noisy.run(['sh', '-c', 'echo out; echo err >&2']);
  assert.deepEqual([clean.stdout, clean.stderr, noisy.stats.shellRuns], ['out\n', 'err\n', 1], 'what the login shell printed is not in the first command');
  assert.ok(logged.some((m) => m.includes('Welcome to the node')), logged.join('\n'));
  writeFileSync(join(dir, 'mode'), 'normal\n');
  const ok = await connect(wrapped);
  assert.equal((await ok.run(['echo', 'shell'])).stdout, 'shell\n');
  assert.equal(ok.stats.shellRuns, 1, 'the wrapper allows a shell in normal mode');
});
