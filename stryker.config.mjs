// StrykerJS, one scoped module per run (see mutation/modules.json and docs/mutation.md). Run it through
// `npm run mutation [module…]`, which sets SWARMNET_MUTATION_MODULE, not directly.
import { readFileSync } from 'node:fs';

const modules = JSON.parse(readFileSync(new URL('./mutation/modules.json', import.meta.url), 'utf8'));
const name = process.env.SWARMNET_MUTATION_MODULE;
const mod = modules[name];
if (!mod) throw new Error(`SWARMNET_MUTATION_MODULE must be one of: ${Object.keys(modules).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: mod.tests,
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  mutate: mod.mutate,
  // TypeScript 7 (the native compiler) has no JS API: Stryker's tsconfig rewrite and its TypeScript checker need
  // one. The sandbox's tsconfig needs no rewrite (tsx runs the tests, esbuild strips types), so point Stryker at a
  // file that does not exist; a mutant that would not type-check runs like any other and is listed if it survives.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  coverageAnalysis: 'perTest',
  // 2 cores shared by many: one test process at a time, unless the machine is free (SWARMNET_MUTATION_CONCURRENCY).
  concurrency: Number(process.env.SWARMNET_MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 20000,
  timeoutFactor: 3,
  incremental: true,
  incrementalFile: `mutation/incremental/${name}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp-${name}`,
  cleanTempDir: true,
  ignorePatterns: ['.lab', '.tools', 'dist', 'media', 'syntaxes', 'examples', 'reports', 'test/e2e', 'test/electron', '.stryker-tmp*'],
  thresholds: { high: 90, low: 80, break: null },
};
