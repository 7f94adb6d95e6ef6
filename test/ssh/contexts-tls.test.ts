/**
 * A real Docker context with a TCP+TLS endpoint: throwaway CA, server and client certificates made with openssl;
 * a small HTTPS server on loopback that requires a client certificate and forwards to /var/run/docker.sock;
 * a context made by the real `docker context create`; read back through the context source and connected to
 * with connectNode (transport 'docker').
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectNode } from '../../src/core/connect';
import { readDockerContexts } from '../../src/core/sources/dockerContexts';
import { LocalRunner } from '../../src/core/transport/local';

let dir = '';
let server: https.Server;
let port = 0;
let clientCertRequests = 0;
const noHostKeys = { verifyHostKey: () => false, timeoutMs: 10_000 };

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmnet-tls-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=swarmnet test CA']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${who}-key.pem`, '-out', `${who}.csr`, '-subj', `/CN=swarmnet-${who}`]);
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${who}-cert.pem`, '-days', '2', '-extfile', `${who}.ext`]);
  }
  // A second CA whose client cert must be refused.
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'rogue-key.pem', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=rogue']);
  const read = (f: string): Buffer => readFileSync(join(dir, f));
  server = https.createServer({ key: read('server-key.pem'), cert: read('server-cert.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    clientCertRequests++;
    const up = http.request({ socketPath: '/var/run/docker.sock', path: req.url, method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  server?.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

test('docker context with TCP+TLS: created by the docker CLI, read back with its TLS material, connected with connectNode', async () => {
  const cfgDir = join(dir, 'docker-config');
  const env = { ...process.env, DOCKER_CONFIG: cfgDir };
  const spec = `host=tcp://127.0.0.1:${port},ca=${join(dir, 'ca.pem')},cert=${join(dir, 'client-cert.pem')},key=${join(dir, 'client-key.pem')}`;
  execFileSync('docker', ['context', 'create', 'swarmnet-tls', '--description', 'TLS test', '--docker', spec], { env, stdio: 'pipe' });
  // The CLI itself can use it (proves the context is real, not just our reading of it).
  // (async: the TLS proxy runs in this process, a sync child would block it)
  const cliVersion = (await promisify(execFile)('docker', ['--context', 'swarmnet-tls', 'version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8', timeout: 20_000 })).stdout.trim();

  const r = await readDockerContexts({ runner: new LocalRunner(), dockerConfigDir: cfgDir });
  assert.deepEqual(r.diagnostics, []);
  const c = r.candidates.find((x) => x.context.name === 'swarmnet-tls');
  assert.ok(c?.config, JSON.stringify(r.candidates));
  assert.equal(c.context.from, 'both');
  assert.equal(c.context.description, 'TLS test');
  assert.deepEqual(c.warnings, []);
  assert.equal(c.config.transport, 'docker');
  assert.equal(c.config.dockerHost, `tcp://127.0.0.1:${port}`);
  // The CLI copied the material into its store: we use the store's copies.
  for (const p of [c.config.tlsCaPath, c.config.tlsCertPath, c.config.tlsKeyPath]) assert.ok(p?.startsWith(join(cfgDir, 'contexts', 'tls')), p);
  assert.equal(readFileSync(c.config.tlsCertPath as string, 'utf8'), readFileSync(join(dir, 'client-cert.pem'), 'utf8'));

  const before = clientCertRequests;
  const conn = await connectNode(c.config, noHostKeys);
  try {
    const info = (await conn.docker?.info()) as { ID: string; ServerVersion: string };
    const local = JSON.parse(execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', 'info', '--format', '{{json .}}'], { encoding: 'utf8' })) as { ID: string };
    assert.equal(info.ID, local.ID);
    assert.equal(info.ServerVersion, cliVersion);
    assert.equal(conn.runner, undefined, 'a TCP Docker node has no command runner');
  } finally {
    await conn.close();
  }
  assert.ok(clientCertRequests > before, 'the request went through the TLS proxy');
});

test('docker TLS endpoint: no client certificate or one from another CA is refused; a wrong CA refuses the server', async () => {
  const host = `tcp://127.0.0.1:${port}`;
  const ca = join(dir, 'ca.pem');
  const noCert = await connectNode({ name: 'x', transport: 'docker', dockerHost: host, tlsCaPath: ca }, noHostKeys);
  await assert.rejects(noCert.docker?.info() ?? Promise.reject(new Error('no docker')), /certificate|socket hang up|ECONNRESET|alert/i);
  const rogue = await connectNode({ name: 'x', transport: 'docker', dockerHost: host, tlsCaPath: ca, tlsCertPath: join(dir, 'rogue.pem'), tlsKeyPath: join(dir, 'rogue-key.pem') }, noHostKeys);
  await assert.rejects(rogue.docker?.info() ?? Promise.reject(new Error('no docker')), /certificate|socket hang up|ECONNRESET|alert/i);
  const wrongCa = await connectNode(
    { name: 'x', transport: 'docker', dockerHost: host, tlsCaPath: join(dir, 'rogue.pem'), tlsCertPath: join(dir, 'client-cert.pem'), tlsKeyPath: join(dir, 'client-key.pem') },
    noHostKeys,
  );
  await assert.rejects(wrongCa.docker?.info() ?? Promise.reject(new Error('no docker')), /self[- ]signed|unable to verify|certificate/i);
});
