// Bundles the extension host entry, the language server and the CLI with esbuild.
//   node esbuild.mjs                 development: source maps, readable output
//   node esbuild.mjs --production    what the VSIX ships: minified, no source maps (stale maps removed),
//                                    dockerode's image-build code (gRPC, protobuf, buildkit, tar) stubbed out, and
//                                    ssh2, dockerode and the language client in dist/vendor/, loaded on first use
//   --watch                          rebuild on change;  --outdir=DIR   write somewhere else than dist/
//   --metafile=FILE                  write esbuild's metafile of all bundles (what went into them)
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
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
 * Dependencies that activation must not pay for (bench/activate.ts: load + activate < 50 ms). In the production
 * build each is a bundle of its own, dist/vendor/<name>.js, and an import of it gets a stand-in whose exports are
 * getters that require that file on first read (the first SSH connection, the first Docker client, the first rules
 * file): activation neither evaluates nor even parses them. The stand-in lists their exports, read here.
 */
export const VENDOR = { ssh2: 'ssh2', dockerode: 'dockerode', 'vscode-languageclient/node': 'languageclient' };
const requireHere = createRequire(import.meta.url);

/** The export names of a package (vscode-languageclient needs `vscode`: an object of empty classes lets it load). */
function exportNames(pkg) {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? new Proxy({}, { get: () => class {} }) : load.call(this, request, ...rest);
  };
  try {
    return Object.keys(requireHere(pkg)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  } finally {
    Module._load = load;
  }
}

/** `prefix`: the way from the importing bundle to dist/vendor at run time ('./vendor/' from dist/, './' inside). */
function vendorPlugin(prefix, self) {
  return {
    name: 'vendor',
    setup(build) {
      const filter = new RegExp(`^(${Object.keys(VENDOR).map((k) => k.replace(/[./-]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (args) => {
        if (args.namespace === 'swarmnet-lazy') return { path: `${prefix}${VENDOR[args.path]}.js`, external: true };
        return args.path === self ? undefined : { path: args.path, namespace: 'swarmnet-lazy' };
      });
      build.onLoad({ filter: /.*/, namespace: 'swarmnet-lazy' }, (args) => ({
        loader: 'js',
        contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
Object.defineProperty(exports, '__esModule', { value: true });
Object.defineProperty(exports, 'default', { enumerable: true, get: () => load() });
for (const name of ${JSON.stringify(exportNames(args.path))}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
      }));
    },
  };
}

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
};

const production_ = (prefix, self) => (production ? { plugins: [stubUnused, vendorPlugin(prefix, self)] } : {});
const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: join(outdir, 'extension.js'), ...production_('./vendor/') },
  { entryPoints: ['src/server/server.ts'], outfile: join(outdir, 'server.js') },
  { entryPoints: ['src/cli/main.ts'], outfile: join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' }, ...production_('./vendor/') },
  ...(production ? Object.entries(VENDOR).map(([pkg, name]) => ({
    entryPoints: [requireHere.resolve(pkg)],
    outfile: join(outdir, 'vendor', `${name}.js`),
    ...production_('./', pkg),
  })) : []),
].map((e) => ({ ...e, metafile: Boolean(metafile) }));

const missing = entries.filter((e) => !existsSync(e.entryPoints[0]));
for (const m of missing) console.error(`esbuild: entry ${m.entryPoints[0]} missing`);
if (missing.length) process.exit(1);
if (existsSync(outdir)) {
  // a development build's maps would otherwise stay beside the minified files, a production build's vendor files
  // beside the development bundles (which contain their dependencies)
  for (const f of readdirSync(outdir)) if (production ? f.endsWith('.js.map') : f === 'vendor') rmSync(join(outdir, f), { recursive: true });
}
const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  // one metafile for all bundles: inputs keyed by path, outputs by file
  const merged = { inputs: {}, outputs: {} };
  for (const r of results) {
    Object.assign(merged.inputs, r.metafile?.inputs);
    Object.assign(merged.outputs, r.metafile?.outputs);
  }
  if (metafile) writeFileSync(metafile, JSON.stringify(merged));
}
