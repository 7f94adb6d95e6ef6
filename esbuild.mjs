// Bundles the extension host entry, the language server and the CLI with esbuild.
//   node esbuild.mjs                 development: source maps, readable output
//   node esbuild.mjs --production    what the VSIX ships: minified, no source maps (stale maps removed), and
//                                    dockerode's image-build code (gRPC, protobuf, buildkit, tar) stubbed out
//   --watch                          rebuild on change;  --outdir=DIR   write somewhere else than dist/
//   --metafile=FILE                  write esbuild's metafile of the extension bundle (what went into it)
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const watch = argv.includes('--watch');
const production = argv.includes('--production');
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const outdir = option('outdir') ?? 'dist';
const metafile = option('metafile');

/**
 * Modules of dependencies that swarmnet never runs, replaced by a stub that throws if it ever is. dockerode loads
 * its image-build support eagerly (lib/session.js: @grpc/grpc-js + @grpc/proto-loader; lib/util.js: tar-fs,
 * @balena/dockerignore) or lazily (lib/buildkit.js: protobufjs); swarmnet only reads (info, networks, services,
 * tasks, nodes, containers). Keys: the `require()` request; values: the requiring file must match this.
 */
export const STUBBED = {
  './session': /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
  './buildkit': /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
  'tar-fs': /[\\/]dockerode[\\/]lib[\\/]util\.js$/,
  '@balena/dockerignore': /[\\/]dockerode[\\/]lib[\\/]util\.js$/,
};

const stubUnused = {
  name: 'stub-unused',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(STUBBED).map((k) => k.replace(/[./]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      STUBBED[args.path].test(args.importer) ? { path: args.path, namespace: 'swarmnet-stub' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'swarmnet-stub' }, (args) => ({
      loader: 'js',
      contents: `const fail = () => { throw new Error(${JSON.stringify(
        `${args.path} (Docker image builds) is not part of swarmnet's bundle`)}); };
module.exports = new Proxy(fail, { get: (t, p) => (typeof p === 'symbol' || p === '__esModule' ? undefined : fail()) });`,
    }));
  },
};

/**
 * Dependencies that activation must not pay for (bench/activate.ts: load + activate < 50 ms): an import of one of
 * these from our code (src/) gets a stand-in whose exports are getters that load the real module on first read
 * (the first SSH connection, the first Docker client). The real module is still in the bundle, evaluated later.
 * The vscode-languageclient is lazy in the source already (`await import('./lsp')`).
 */
export const LAZY = ['ssh2', 'dockerode'];

const lazyDeps = {
  name: 'lazy-deps',
  setup(build) {
    const filter = new RegExp(`^(${LAZY.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'swarmnet-lazy' || !/[\\/]src[\\/]/.test(args.importer)
        ? undefined
        : { path: args.path, namespace: 'swarmnet-lazy' });
    build.onLoad({ filter: /.*/, namespace: 'swarmnet-lazy' }, (args) => {
      const names = Object.keys(createRequire(import.meta.url)(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
      return {
        loader: 'js',
        resolveDir: process.cwd(),
        contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
Object.defineProperty(exports, '__esModule', { value: true });
Object.defineProperty(exports, 'default', { enumerable: true, get: () => load() });
for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
      };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // ssh2's optional native helpers are loaded in try/catch; keep them external.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  loader: { '.node': 'empty' },
  plugins: production ? [stubUnused, lazyDeps] : [],
};

const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: join(outdir, 'extension.js'), metafile: Boolean(metafile) },
  { entryPoints: ['src/server/server.ts'], outfile: join(outdir, 'server.js') },
  { entryPoints: ['src/cli/main.ts'], outfile: join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
];

const missing = entries.filter((e) => !existsSync(e.entryPoints[0]));
for (const m of missing) console.error(`esbuild: entry ${m.entryPoints[0]} missing`);
if (missing.length) process.exit(1);
if (production && existsSync(outdir)) {
  // a development build's maps would otherwise stay beside the minified files
  for (const f of readdirSync(outdir)) if (f.endsWith('.js.map')) rmSync(join(outdir, f));
}
const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (metafile) writeFileSync(metafile, JSON.stringify(results[0].metafile));
}
