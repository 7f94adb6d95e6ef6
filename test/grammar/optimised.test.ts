/**
 * The speed transforms of generate-grammars.mjs (nested groups for multi-scope names, (?WDS), merged #extras
 * alternations, possessive repeats) must not change a single token: the grammars generated without them
 * (`--raw DIR`) and the committed ones tokenize every fixture line identically, with every grammar (a line of
 * another command's output is a malformed line for this one: it exercises the fallback paths).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INITIAL, type IGrammar } from 'vscode-textmate';
import { allFixtures } from './fixtures';
import { LANGS, newRegistry, REPO_ROOT, type Lang } from './tm';

/** Lines no fixture has: the bench's varied --line-numbers lines, ip6tables, rarer -nvL details, junk. */
const EXTRA = [
  '386G     44526 1987K DOCKER-USER  0    --  *      *       0.0.0.94/0            0.0.0.94/0           ',
  '    0     0 ACCEPT     all      *      *       ::/0                 ::/0',
  '    0     0 LOG        all  --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "x: "',
  '    5   300 ACCEPT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 80,443:445 match-set docker-ext src,dst',
  '    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            policy match dir in pol ipsec ctstate NEW,RELATED,ESTABLISHED,INVALID',
  '    0     0 REJECT     all  --  eth0   *      !10.0.0.0/8           fd00::1/64           reject-with icmp-port-unreachable mark match ! 0x1/0xff',
  '\u0000\u0001\u00ff\ufffd\u001b[31m"\'\\ /* <x> [0: ( # ! ÿ\u0007\u200b 12 1.5 0x1f 10.0.0.1:80 [fe80::1]:53',
];

let rawDir = '';
const pairs = new Map<Lang, [IGrammar, IGrammar]>();
before(async () => {
  rawDir = mkdtempSync(join(tmpdir(), 'swarmnet-raw-grammars-'));
  execFileSync(process.execPath, [join(REPO_ROOT, 'test', 'grammar', 'generate-grammars.mjs'), '--raw', rawDir]);
  assert.equal(readdirSync(rawDir).filter((f) => f.endsWith('.tmLanguage.json')).length, LANGS.length);
  const [raw, opt] = [await newRegistry(undefined, rawDir), await newRegistry()];
  for (const l of LANGS) {
    const a = await raw.loadGrammar(`source.${l}`);
    const b = await opt.loadGrammar(`source.${l}`);
    assert.ok(a && b, l);
    pairs.set(l, [a, b]);
  }
  rmSync(rawDir, { recursive: true, force: true });
});

const show = (g: IGrammar, line: string): string =>
  g.tokenizeLine(line, INITIAL).tokens.map((t) => `${JSON.stringify(line.slice(t.startIndex, t.endIndex))} ${t.scopes.slice(1).join(' ')}`).join('\n');

for (const lang of LANGS) {
  test(`${lang}: the optimised grammar gives the same tokens as the plain one on every fixture line`, () => {
    const pair = pairs.get(lang);
    assert.ok(pair);
    const [raw, opt] = pair;
    const lines = [...new Set([...allFixtures().flatMap((f) => f.text.split('\n')), ...EXTRA])];
    assert.ok(lines.length > 500, `${lines.length} lines`);
    const differ: string[] = [];
    for (const line of lines) {
      const a = show(raw, line);
      const b = show(opt, line);
      if (a !== b) differ.push(`${JSON.stringify(line)}\n--- plain\n${a}\n--- optimised\n${b}`);
    }
    assert.deepEqual(differ.slice(0, 3), [], `${differ.length} lines differ`);
  });
}
