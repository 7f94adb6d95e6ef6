// @ts-check
// Entry loaded by VS Code's extension host (--extensionTestsPath): a tiny sequential runner (no mocha).
// Every *.test.js next to this file exports `tests: { name: string, fn: () => Promise<void> | void }[]`.
'use strict';
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** @typedef {{ name: string, fn: () => (Promise<void> | void), timeoutMs?: number }} TestCase */

/** @param {Promise<void> | void} p @param {number} ms @param {string} name */
function withTimeout(p, ms, name) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(p), limit]).finally(() => clearTimeout(timer));
}

/** Called by VS Code; rejects when any test failed (VS Code then exits with code 1). */
async function run() {
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js in ${__dirname}`);
  /** @type {string[]} */
  const failures = [];
  let passed = 0;
  for (const f of files) {
    /** @type {{ tests: TestCase[] }} */
    const mod = require(join(__dirname, f));
    if (!Array.isArray(mod.tests) || mod.tests.length === 0) throw new Error(`${f} exports no tests`);
    for (const t of mod.tests) {
      const t0 = Date.now();
      try {
        await withTimeout(t.fn(), t.timeoutMs ?? 60_000, t.name);
        passed += 1;
        console.log(`ok - ${f}: ${t.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failures.push(`${f}: ${t.name}`);
        console.log(`not ok - ${f}: ${t.name} (${Date.now() - t0} ms)`);
        console.log(e instanceof Error ? e.stack ?? e.message : String(e));
      }
    }
  }
  console.log(`# pass ${passed}\n# fail ${failures.length}`);
  if (failures.length) throw new Error(`${failures.length} electron test(s) failed:\n  ${failures.join('\n  ')}`);
}

module.exports = { run };
