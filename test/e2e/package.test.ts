// The package people install: `npm run package` → swarmnet.vsix. Checks what is in it (production bundles, no CLI,
// no source maps, the icon, the marketplace README), its size (goal < 1.5 MB), that dockerode's image-build code
// (gRPC, protobuf, buildkit, tar) is not in the bundle, that activation evaluates neither ssh2 nor dockerode, and
// that the production build — with those modules stubbed and made lazy — still discovers the whole lab.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLab } from '../../src/cli/nodes';
import { LAB_JSON, REPO_ROOT } from './harness';

const VSIX_GOAL_BYTES = 1.5 * 1024 * 1024;
/** Modules swarmnet never runs (Docker image builds): none of their files may be in the extension bundle. */
const UNUSED = /node_modules[\\/](@grpc[\\/]|protobufjs|@protobufjs[\\/]|tar-fs|tar-stream|@balena[\\/]dockerignore)/;

let out = '';
before(() => {
  out = mkdtempSync(join(tmpdir(), 'swarmnet-package-'));
  execFileSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${out}`, `--metafile=${join(out, 'meta.json')}`],
    { cwd: REPO_ROOT, stdio: 'pipe' });
});
after(() => rmSync(out, { recursive: true, force: true }));

describe('the production bundle', () => {
  it('has none of dockerode\'s image-build modules (gRPC, protobuf, tar); their requires are stubs', () => {
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.some((i) => /node_modules[\\/]dockerode[\\/]/.test(i)), 'dockerode itself is in the bundle');
    assert.deepEqual(inputs.filter((i) => UNUSED.test(i)), []);
    assert.deepEqual(inputs.filter((i) => i.startsWith('swarmnet-stub:')).sort(),
      ['swarmnet-stub:./buildkit', 'swarmnet-stub:./session', 'swarmnet-stub:@balena/dockerignore', 'swarmnet-stub:tar-fs']);
  });

  it('is minified without source maps', () => {
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.map')), []);
    const text = readFileSync(join(out, 'extension.js'), 'utf8');
    const lines = text.split('\n').length;
    // a development build averages ~35 characters a line, the minified one thousands
    assert.ok(text.length / lines > 1000, `extension.js: ${lines} lines for ${text.length} characters: not minified`);
    assert.doesNotMatch(text, /sourceMappingURL/);
  });

  it('activation evaluates neither ssh2, dockerode nor the language client (dist/vendor/*.js, loaded on first use)', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bench', 'activate-vscode.cjs'), join(out, 'extension.js')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const run = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { requested: string[] };
    // each is a file of its own in dist/vendor/; ssh2 also asks for its optional native helper when evaluated,
    // docker-modem (dockerode's) for querystring
    for (const m of ['./vendor/ssh2.js', './vendor/dockerode.js', './vendor/languageclient.js', 'cpu-features', 'querystring']) {
      assert.ok(!run.requested.includes(m), `${m} loaded at activation: ${run.requested.join(' ')}`);
    }
    assert.ok(run.requested.includes('vscode'), 'the bundle did not load at all');
  });

  it('still discovers every lab node (SSH + Docker API through the lazy, stubbed modules): the CLI of the same build', async () => {
    assert.ok(existsSync(LAB_JSON), `${LAB_JSON} missing: run \`npm run lab\``);
    const lab = await readLab(LAB_JSON);
    const json = execFileSync('flock', ['-s', '/tmp/swarmnet-lab.lock', process.execPath, join(out, 'cli.js'), 'discover', '--lab', LAB_JSON, '--json'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    const r = JSON.parse(json) as { nodes: { name: string; swarm?: { nodeId?: string }; namespaces?: { name: string }[] }[]; errors: unknown[] };
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.nodes.map((n) => n.name).sort(), lab.nodes.map((n) => n.name).sort());
    for (const n of r.nodes) {
      const expected = lab.nodes.find((l) => l.name === n.name);
      assert.equal(n.swarm?.nodeId, expected?.swarmNodeId, `${n.name}: swarm node id`);
      assert.ok(n.namespaces?.some((ns) => ns.name === 'ingress_sbox'), `${n.name}: no ingress_sbox`);
    }
  });
});

describe('the VSIX (npm run package)', () => {
  let files: string[] = [];
  let vsix = '';
  before(() => {
    vsix = join(REPO_ROOT, 'swarmnet.vsix');
    rmSync(vsix, { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
  });

  it(`is smaller than ${VSIX_GOAL_BYTES / 1024 / 1024} MB`, () => {
    const size = statSync(vsix).size;
    console.log(`[package] swarmnet.vsix ${(size / 1024).toFixed(0)} KiB (${files.length} files) — goal < 1.5 MB, ratio ${(size / VSIX_GOAL_BYTES).toFixed(2)}`);
    assert.ok(size < VSIX_GOAL_BYTES, `${size} bytes`);
  });

  it('ships the production bundles, the icon and the marketplace README — no CLI, no maps, no sources', () => {
    for (const f of ['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/vendor/ssh2.js',
      'extension/dist/vendor/dockerode.js', 'extension/dist/vendor/languageclient.js', 'extension/media/icon.png', 'extension/readme.md']) {
      assert.ok(files.includes(f), `${f} missing: ${files.join(' ')}`);
    }
    assert.deepEqual(files.filter((f) => /cli\.js|\.map$|\.ts$|node_modules|^extension\/(src|test|bench|scripts)\//.test(f)), []);
    const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
    assert.equal(readme, readFileSync(join(REPO_ROOT, 'README-marketplace.md'), 'utf8'));
    const pkg = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as { icon?: string };
    assert.equal(pkg.icon, 'media/icon.png');
    // every image the README shows is in the package (relative links are resolved against the installed extension)
    for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
      assert.ok(files.includes(`extension/${m[1].replace(/^\.\//, '')}`), `README image ${m[1]} is not in the VSIX`);
    }
  });
});
