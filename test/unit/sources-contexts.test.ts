import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/core/diagnostics';
import { contextDirName, contextToCandidate, parseContextLs, readContextStore, readDockerContexts } from '../../src/core/sources/dockerContexts';
import type { SshHostCandidate } from '../../src/core/sources/sshConfig';
import { LocalRunner } from '../../src/core/transport/local';
import { fixture } from '../helpers';

test('context ls: NDJSON from the real CLI (captured) is read', () => {
  const d: Diagnostic[] = [];
  const ctxs = parseContextLs(fixture('ssh/context-ls.ndjson'), d);
  assert.deepEqual(d, []);
  assert.deepEqual(ctxs.map((c) => [c.name, c.endpoint, c.current]), [
    ['default', 'unix:///var/run/docker.sock', true],
    ['s1', 'ssh://ops@mgr1:2222', false],
    ['t1', 'tcp://10.0.0.5:2376', false],
  ]);
});

test('context ls: a JSON array is read; garbage, the 20.10 CLI\'s literal "json" and nameless entries are diagnostics', () => {
  const d: Diagnostic[] = [];
  assert.equal(parseContextLs('[{"Name":"a","DockerEndpoint":"unix:///x"}, 3, {"DockerEndpoint":"y"}]', d).length, 1);
  assert.equal(d.length, 2);
  const d2: Diagnostic[] = [];
  assert.deepEqual(parseContextLs('json\njson\n', d2), []);
  assert.equal(d2.length, 2);
  assert.match(d2[0].message, /older than 23/);
  const d3: Diagnostic[] = [];
  assert.deepEqual(parseContextLs('{"Name":"a","DockerEndpoint":"unix:///x"', d3), []);
  assert.equal(d3.length, 1);
});

test('context store: meta.json + tls/ material; broken entries reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-dcfg-'));
  try {
    const put = (name: string, meta: string, tls?: string[]): void => {
      const h = contextDirName(name);
      mkdirSync(join(dir, 'contexts', 'meta', h), { recursive: true });
      writeFileSync(join(dir, 'contexts', 'meta', h, 'meta.json'), meta);
      if (tls) {
        mkdirSync(join(dir, 'contexts', 'tls', h, 'docker'), { recursive: true });
        for (const f of tls) writeFileSync(join(dir, 'contexts', 'tls', h, 'docker', f), 'x');
      }
    };
    put('prod', JSON.stringify({ Name: 'prod', Metadata: { Description: 'prod mgr' }, Endpoints: { docker: { Host: 'tcp://10.0.0.1:2376', SkipTLSVerify: false } } }), ['ca.pem', 'cert.pem', 'key.pem']);
    put('broken', '{"Name":');
    put('noep', JSON.stringify({ Name: 'noep', Metadata: {}, Endpoints: {} }));
    put('renamed', JSON.stringify({ Name: 'other-name', Endpoints: { docker: { Host: 'unix:///x' } } }));
    const d: Diagnostic[] = [];
    const ctxs = await readContextStore(dir, d);
    {
      assert.equal(ctxs.length, 1);
      const h = contextDirName('prod');
      assert.deepEqual(ctxs[0], {
        name: 'prod',
        description: 'prod mgr',
        endpoint: 'tcp://10.0.0.1:2376',
        skipTlsVerify: false,
        tls: { ca: join(dir, 'contexts/tls', h, 'docker/ca.pem'), cert: join(dir, 'contexts/tls', h, 'docker/cert.pem'), key: join(dir, 'contexts/tls', h, 'docker/key.pem') },
        from: 'store',
      });
      assert.equal(d.length, 3, JSON.stringify(d));
      const c = contextToCandidate(ctxs[0]);
      assert.deepEqual(c.config, { name: 'prod', transport: 'docker', dockerHost: 'tcp://10.0.0.1:2376', tlsCaPath: ctxs[0].tls?.ca, tlsCertPath: ctxs[0].tls?.cert, tlsKeyPath: ctxs[0].tls?.key });
      assert.deepEqual(c.warnings, []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('context → NodeConfig: unix, tcp without TLS (warned), ssh (with and without an ssh-config match), unsupported', () => {
  const base = { from: 'cli' as const };
  assert.deepEqual(contextToCandidate({ ...base, name: 'u', endpoint: 'unix:///run/d.sock' }).config, { name: 'u', transport: 'docker', dockerHost: 'unix:///run/d.sock' });
  const t = contextToCandidate({ ...base, name: 't', endpoint: 'tcp://[fd00::1]:2375' });
  assert.equal(t.config?.dockerHost, 'tcp://[fd00::1]:2375');
  assert.match(t.warnings[0], /TLS material unknown/);
  assert.deepEqual(contextToCandidate({ ...base, name: 's', endpoint: 'ssh://bob@10.0.0.9:2200' }).config, { name: 's', transport: 'ssh', host: '10.0.0.9', port: 2200, user: 'bob' });
  const ssh: SshHostCandidate = { alias: 'mgr1', config: { name: 'mgr1', transport: 'ssh', host: '192.0.2.7', port: 22, user: 'deploy', keyPath: '/k', proxyJump: 'j@b' }, identityFiles: ['/k'], file: 'cfg', warnings: [] };
  assert.deepEqual(contextToCandidate({ ...base, name: 's1', endpoint: 'ssh://ops@mgr1:2222' }, [ssh]).config, { name: 's1', transport: 'ssh', host: '192.0.2.7', port: 2222, user: 'ops', keyPath: '/k', proxyJump: 'j@b' });
  for (const ep of ['npipe:////./pipe/docker_engine', 'ssh://', 'tcp://a:b', 'unix://relative', '', 'ssh://u@h:99999']) {
    const c = contextToCandidate({ ...base, name: 'x', endpoint: ep });
    assert.equal(c.config, undefined, ep);
    assert.ok(c.problem, ep);
  }
});

test('contexts: real `docker context create` + `docker context ls` via a LocalRunner, merged with the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-dcfg-'));
  try {
    const env = { ...process.env, DOCKER_CONFIG: dir };
    execFileSync('docker', ['context', 'create', 'viassh', '--description', 'over "ssh"', '--docker', 'host=ssh://root@127.0.0.1:2222'], { env, stdio: 'pipe' });
    execFileSync('docker', ['context', 'create', 'sock', '--docker', 'host=unix:///run/swarmnet-node2/docker.sock'], { env, stdio: 'pipe' });
    const r = await readDockerContexts({ runner: new LocalRunner(), dockerConfigDir: dir });
    assert.deepEqual(r.diagnostics, []);
    const byName = new Map(r.candidates.map((c) => [c.context.name, c]));
    assert.deepEqual([...byName.keys()].sort(), ['default', 'sock', 'viassh']);
    assert.equal(byName.get('default')?.context.current, true);
    assert.equal(byName.get('viassh')?.context.from, 'both');
    assert.equal(byName.get('viassh')?.context.description, 'over "ssh"');
    assert.deepEqual(byName.get('viassh')?.config, { name: 'viassh', transport: 'ssh', host: '127.0.0.1', port: 2222, user: 'root' });
    assert.deepEqual(byName.get('sock')?.config, { name: 'sock', transport: 'docker', dockerHost: 'unix:///run/swarmnet-node2/docker.sock' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
