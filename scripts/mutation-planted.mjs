// The planted bugs of docs/mutation.md, replayable: each is applied to the working tree, its tests run (they must
// fail), and the file restored. `node scripts/mutation-planted.mjs [name…]`; exit 1 if a planted bug went unnoticed.
// Not part of npm test (it edits source files while it runs; do not run it beside another job in this tree).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const PLANTED = [
  { name: 'dnat-ignores-port', file: 'src/core/trace/targets.ts', find: '({ ip, port } = parseNatTo(spec));', replace: '({ ip } = parseNatTo(spec));', tests: ['test/unit/mut-trace-dnat.test.ts'] },
  { name: 'ctorigdstport-current-port', file: 'src/core/iptables/matches/conntrack.ts', find: "portIn(a, p.ct.origDport, 'any')", replace: "portIn(a, p.dport, 'any')", tests: ['test/unit/mut-trace-dnat.test.ts'] },
  { name: 'hostkey-verdict-ignored', file: 'src/core/transport/ssh.ts', find: '          verify(ok);', replace: '          verify(true);', tests: ['test/unit/mut-ssh-hostkey.test.ts'] },
  { name: 'vtep-map-not-built', file: 'src/core/correlate.ts', find: 'if (n.swarm?.nodeAddr) this.vtepToNode.set(n.swarm.nodeAddr, n.name);', replace: '', tests: ['test/unit/mut-correlate.test.ts'] },
  { name: 'duplicate-fix-deletes-nothing', file: 'src/core/lint/rules/duplicate.ts', find: "edits: [deleteLineEdit(n.rule.line)]", replace: "edits: [{ range: { start: { line: n.rule.line, character: 0 }, end: { line: n.rule.line, character: 0 } }, newText: '' }]", tests: ['test/unit/mut-lint-corpus.test.ts'] },
  { name: 'server-sends-first-edit-only', file: 'src/server/server.ts', find: 'fix.edits.map(', replace: 'fix.edits.slice(0, 1).map(', tests: ['test/lsp/mut-fixes.test.ts'] },
  { name: 'braces-unquoted', file: 'src/core/transport/quote.ts', find: 'const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;', replace: 'const SAFE = /^[A-Za-z0-9_@%+=:,./{}-]+$/;', tests: ['test/unit/mut-quote.test.ts'] },
  { name: 'dquote-escapes-dropped', file: 'src/core/nsexec.ts', find: `else if (ch === '\\\\' && quote === '"' && '"\\\\$\`\\n'.includes(next)) cur += text[++i] === '\\n' ? '' : next;`, replace: '', tests: ['test/unit/mut-nsexec.test.ts'] },
  { name: 'dispose-keeps-retrying', file: 'src/extension/nodes.ts', find: '    this.disposed = true;\n    for (const s of this.states.values()) {\n      clearTimeout(s.retryTimer);', replace: '    for (const s of this.states.values()) {', tests: ['test/lab/node-manager.test.ts'], pattern: 'dispose stops retries that are still pending' },
  { name: 'context-ls-format', file: 'src/core/sources/dockerContexts.ts', find: "'--format', '{{json .}}']", replace: "'--format', 'json']", tests: ['test/unit/sources-ui.test.ts'] },
];

const only = process.argv.slice(2);
let unnoticed = 0;
for (const p of PLANTED.filter((x) => only.length === 0 || only.includes(x.name))) {
  const path = join(root, p.file);
  const original = readFileSync(path, 'utf8');
  if (!original.includes(p.find)) {
    console.log(`${p.name}: SKIPPED, ${p.file} no longer has the planted spot (code moved: update this list)`);
    unnoticed++;
    continue;
  }
  const args = ['--import', 'tsx', '--test', '--test-reporter=dot', ...(p.pattern ? [`--test-name-pattern=${p.pattern}`] : []), ...p.tests];
  const run = () => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 300_000 }).status;
  if (run() !== 0) {
    console.log(`${p.name}: the tests fail WITHOUT the planted bug: fix them first`);
    unnoticed++;
    continue;
  }
  try {
    writeFileSync(path, original.replace(p.find, p.replace));
    const failed = run() !== 0;
    console.log(`${p.name}: ${failed ? 'caught' : 'NOT CAUGHT'} by ${p.tests.join(', ')}`);
    if (!failed) unnoticed++;
  } finally {
    writeFileSync(path, original);
  }
}
process.exit(unnoticed ? 1 : 0);
