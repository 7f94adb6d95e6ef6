// Mutation testing of the modules that decide what users see (mutation/modules.json), one module at a time.
//   node scripts/mutation.mjs [module…]   run StrykerJS (incremental, concurrency 1 or $SWARMNET_MUTATION_CONCURRENCY, nice 10) on the modules
//                                          (default: all), then record the figures in mutation/report.json and
//                                          the table of docs/mutation.md
//   node scripts/mutation.mjs --force [module…]  the same, re-testing every mutant (Stryker's --force: incremental results ignored)
//   node scripts/mutation.mjs --stale      print which modules' recorded figures no longer match their source
//                                          (a warning: exit 0 either way)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = JSON.parse(readFileSync(join(root, 'mutation/modules.json'), 'utf8'));
const reportPath = join(root, 'mutation/report.json');
const docPath = join(root, 'docs/mutation.md');

/** sha256 over the module's source files (whole files, also when only line ranges are mutated), the key the recorded figures belong to. */
export function sourceHash(mutate) {
  const h = createHash('sha256');
  for (const f of [...new Set(mutate.map((p) => p.replace(/:\d[\d:-]*$/, '')))].sort()) h.update(`${f}\0`).update(existsSync(join(root, f)) ? readFileSync(join(root, f)) : '<missing>').update('\0');
  return h.digest('hex').slice(0, 16);
}

function readReport() {
  return existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : { modules: {} };
}

/** Modules whose figures are missing ('not run') or were taken on another version of their source ('stale'). */
export function staleModules(report = readReport()) {
  return Object.entries(modules).flatMap(([name, m]) => {
    const r = report.modules[name];
    if (!r) return [{ name, why: 'not run' }];
    return r.sourceHash === sourceHash(m.mutate) ? [] : [{ name, why: 'stale' }];
  });
}

/** Counts from a mutation-testing-report-schema JSON; equivalent = Ignored with the reason from the source. */
function summarise(json) {
  const c = { mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, equivalent: [] };
  for (const [file, f] of Object.entries(json.files)) {
    for (const m of f.mutants) {
      c.mutants++;
      if (m.status === 'Killed') c.killed++;
      else if (m.status === 'Timeout') c.timeout++;
      else if (m.status === 'Survived') c.survived++;
      else if (m.status === 'NoCoverage') c.noCoverage++;
      else if (m.status === 'CompileError') c.compileErrors++;
      else if (m.status === 'RuntimeError') c.runtimeErrors++;
      else if (m.status === 'Ignored') c.equivalent.push({ file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement, reason: m.statusReason });
    }
  }
  const detected = c.killed + c.timeout;
  const undetected = c.survived + c.noCoverage;
  c.score = detected + undetected ? Math.round((1000 * detected) / (detected + undetected)) / 10 : 100;
  c.survivors = [];
  for (const [file, f] of Object.entries(json.files)) {
    for (const m of f.mutants) if (m.status === 'Survived' || m.status === 'NoCoverage') c.survivors.push({ file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement, status: m.status });
  }
  return c;
}

function table(report) {
  const rows = ['| module | mutants | killed (+timeout) | survived (+no coverage) | equivalent | score | date | source hash | fresh |', '|---|---|---|---|---|---|---|---|---|'];
  for (const name of Object.keys(modules)) {
    const r = report.modules[name];
    if (!r) {
      rows.push(`| ${name} | – | – | – | – | not run yet | – | – | – |`);
      continue;
    }
    const fresh = r.sourceHash === sourceHash(modules[name].mutate) ? 'yes' : '**stale**';
    rows.push(`| ${name} | ${r.mutants} | ${r.killed} (+${r.timeout}) | ${r.survived} (+${r.noCoverage}) | ${r.equivalent.length} | **${r.score} %** | ${r.date} | \`${r.sourceHash}\` | ${fresh} |`);
  }
  const eq = [];
  for (const name of Object.keys(modules)) for (const e of report.modules[name]?.equivalent ?? []) eq.push(`- ${name}: ${e.file}:${e.line} ${e.mutator} → \`${String(e.replacement ?? '').replace(/`/g, "'").slice(0, 60)}\`: ${e.reason}`);
  const surv = [];
  for (const name of Object.keys(modules)) {
    const list = report.modules[name]?.survivors ?? [];
    if (list.length > 20) surv.push(`- ${name}: ${list.length} survivors, listed in mutation/report.json (modules.${name}.survivors)`);
    else for (const s of list) surv.push(`- ${name}: ${s.file}:${s.line} ${s.mutator} → \`${String(s.replacement ?? '').replace(/`/g, "'").slice(0, 60)}\` (${s.status})`);
  }
  return [...rows, '', '### Equivalent mutants (marked in the source with `// Stryker disable …: reason`)', '', ...(eq.length ? eq : ['- none']), '', '### Surviving mutants', '', ...(surv.length ? surv : ['- none'])].join('\n');
}

export function writeDoc(report) {
  if (!existsSync(docPath)) return;
  const doc = readFileSync(docPath, 'utf8');
  const start = '<!-- mutation-table:start -->';
  const end = '<!-- mutation-table:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${docPath}: markers ${start} … ${end} not found`);
  writeFileSync(docPath, `${doc.slice(0, i + start.length)}\n${table(report)}\n${doc.slice(j)}`);
}

function run(name, force = false) {
  const m = modules[name];
  if (!m) throw new Error(`unknown module ${name}; known: ${Object.keys(modules).join(', ')}`);
  console.log(`\n=== mutation: ${name} (${m.mutate.join(', ')}) ===`);
  const r = spawnSync('nice', ['-n', '10', join(root, 'node_modules/.bin/stryker'), 'run', 'stryker.config.mjs', ...(force ? ['--force'] : [])], {
    cwd: root,
    stdio: 'inherit',
    // the tests find shared/ beside the repo; Stryker runs them in a sandbox below it, so say where it is
    env: { ...process.env, SWARMNET_MUTATION_MODULE: name, SWARMNET_SHARED: process.env.SWARMNET_SHARED ?? join(root, '..', 'shared') },
  });
  if (r.status !== 0) throw new Error(`stryker failed on ${name} (exit ${r.status})`);
  const json = JSON.parse(readFileSync(join(root, `reports/mutation/${name}.json`), 'utf8'));
  const report = readReport();
  report.modules[name] = { ...summarise(json), date: new Date().toISOString().slice(0, 10), sourceHash: sourceHash(m.mutate), files: m.mutate, tests: m.tests };
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  writeDoc(report);
  const s = report.modules[name];
  console.log(`${name}: ${s.mutants} mutants, ${s.killed + s.timeout} killed, ${s.survived + s.noCoverage} survived, ${s.equivalent.length} equivalent: ${s.score} %`);
}

function main(args) {
  if (args.includes('--stale')) {
    const stale = staleModules();
    const names = stale.map((s) => s.name);
    if (stale.length) console.log(`WARNING: mutation figures in docs/mutation.md do not match the source of: ${stale.map((s) => `${s.name} (${s.why})`).join(', ')} — re-run \`npm run mutation ${names.join(' ')}\``);
    else console.log('mutation figures: every scoped module matches its recorded source hash');
  } else if (args.includes('--doc')) {
    writeDoc(readReport());
  } else {
    const force = args.includes('--force'); // re-test every mutant (incremental results ignored), e.g. after editing a file a suite imports
    const names = args.filter((a) => a !== '--force');
    for (const name of names.length ? names : Object.keys(modules)) run(name, force);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
