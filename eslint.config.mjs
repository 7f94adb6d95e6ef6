// ESLint for swarmnet's own code (flat config), run by `npm run lint:code` (scripts/test.sh, before the type-check).
//
// ESLint and typescript-eslint are installed apart, in tools/eslint (`npm ci --prefix tools/eslint`, done by
// scripts/setup.sh): typescript-eslint parses with TypeScript 6's JS API, while the project's `tsc` is TypeScript 7
// (native, no JS API); in one node_modules the two TypeScripts fight over the `tsc` command.
//
// Rules: eslint's and typescript-eslint's recommended sets (syntax only, no type information: `tsc` in strict mode
// does the type checks), unused disable comments are errors, and a few choices that match the code's style.
import { createRequire } from 'node:module';

const require = createRequire(new URL('./tools/eslint/package.json', import.meta.url));
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'tools/**', '.tools/**', '.lab/**', '.vscode-test/**',
      'test/e2e/screenshots/**', 'test/fixtures/**', '.stryker-tmp*/**', 'reports/**'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      // a dead store (`let x = ''` before a try that sets it, the last `k++` of a row of `a[k++] = …`) is harmless;
      // the code initialises its variables on purpose, and tsc's noUnusedLocals finds unused variables
      'no-useless-assignment': 'off',
    },
  },
  {
    // plain CommonJS (VS Code's test-electron suite, the activation bench's child): `require` is its module system
    files: ['test/electron/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // the trace webview's script runs in the browser
    files: ['media/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
);
