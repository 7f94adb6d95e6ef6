/**
 * Malformed input (truncated rules, unclosed quotes, binary junk, huge lines): no scope may run past the end of the
 * line, so the next good line is tokenized exactly as if it came first. Also checks the grammar files themselves:
 * generated from generate-grammars.mjs, registered in package.json, single-line rules only.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, loadGrammar, REPO_ROOT, SYNTAXES, tokenizeLines, type Lang } from './tm';
import type { IGrammar } from 'vscode-textmate';

const JUNK = '\u0000\u0001\u00ff\ufffd\u001b[31m"\'\\ /* <x> [0: ( # ! ÿ\u0007\u200b';

/** Bad lines per grammar, each followed in the test by a good line whose tokens must not change. */
const CASES: Record<Lang, { bad: string[]; good: string }> = {
  iptables: {
    bad: [
      '-A DOCKER-USER -m comment --comment "unclosed comment',
      "-A DOCKER-USER -m comment --comment 'unclosed",
      '-A DOCKER-USER -p tcp --dport',
      '-A',
      '-A FOO -j',
      ':DOCKER-USER - [0:',
      '*',
      '-A X -j MARK --set-xmark 0x100/',
      '-A X -s 999.1.2.3/99 -d 10.0.0.0/ -j DROP',
      '-A X -m comment --comment "a\\',
      JUNK,
    ],
    good: '-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP',
  },
  'iptables-list': {
    bad: [
      'Chain DOCKER-USER (policy',
      'Chain',
      '    0     0 ACC',
      '    0     0 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            /* unclosed comment',
      '    0     0 LOG        all  --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "unclosed',
      '    0     0 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:1080 to:',
      JUNK,
    ],
    good: '    0     0 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:1080 to:172.18.0.2:1080',
  },
  ipvsadm: {
    bad: ['IP Virtual Server version', 'FWM', 'TCP  10.0.0.5:', '  -> ', '  -> [fe80::1', JUNK],
    good: '  -> 10.255.0.5:0                 Masq    1      0          0',
  },
  'bridge-fdb': {
    bad: ['02:42:0a:00:00:0b dst', '02:42:0a:00', 'dev vxlan0 master', JUNK],
    good: '02:42:0a:00:00:0b dev vxlan0 dst 198.18.0.3 link-netnsid 0 self permanent',
  },
  iproute: {
    bad: ['12: vxlan0@if12: <BROADCAST,MULTICAST', '12:', '    inet 10.0.0.2/', '    link/ether 02:42', JUNK],
    good: '12: vxlan0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master br0 state UNKNOWN',
  },
};

const grammars = new Map<Lang, IGrammar>();
before(async () => {
  for (const l of LANGS) grammars.set(l, await loadGrammar(l));
});

for (const lang of LANGS) {
  describe(`${lang}: malformed lines`, () => {
    test('each bad line ends in the initial state and the next good line is unaffected', () => {
      const g = grammars.get(lang);
      assert.ok(g);
      const { bad, good } = CASES[lang];
      const reference = tokenizeLines(g, good)[0];
      assert.ok(reference.tokens.length > 3);
      for (const b of bad) {
        const [rb, rg] = tokenizeLines(g, `${b}\n${good}`);
        assert.ok(rb.backToInitial && rb.depthAfter === 1, `state after ${JSON.stringify(b)}`);
        assert.deepEqual(rg.tokens, reference.tokens, `good line after ${JSON.stringify(b)}`);
        // tokens cover the bad line exactly: nothing dropped, nothing invented
        assert.equal(rb.tokens.map((t) => t.text).join(''), b);
      }
    });

    test('pathological lines (20,000 chars = VS Code\'s tokenization limit, 5,000 quotes, 100 KB) stay fast and end in the initial state', () => {
      const g = grammars.get(lang);
      assert.ok(g);
      const good = CASES[lang].good;
      const lines: [string, number][] = [
        [`${good} `.repeat(1000).slice(0, 20_000), 4000],
        ['"'.repeat(5000), 4000],
        [`${'! '.repeat(3000)}-A`, 4000],
        [JUNK.repeat(1000), 4000],
        [`${good} `.repeat(5000).slice(0, 100_000), 20_000],
      ];
      for (const [line, maxMs] of lines) {
        const t0 = performance.now();
        const [r] = tokenizeLines(g, line);
        const ms = performance.now() - t0;
        assert.ok(r.backToInitial, 'initial state after the long line');
        assert.ok(ms < maxMs, `${ms.toFixed(0)} ms for a ${line.length}-char line (limit ${maxMs})`);
      }
    });
  });
}

describe('grammar files', () => {
  test('syntaxes/*.tmLanguage.json are exactly what generate-grammars.mjs produces', () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'test', 'grammar', 'generate-grammars.mjs'), '--check'], { stdio: 'pipe' });
  });

  test('every grammar in package.json exists with the declared scopeName, and uses single-line rules only', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[] };
    };
    const declared = pkg.contributes.grammars;
    assert.deepEqual(declared.map((d) => d.language).sort(), [...LANGS].sort());
    for (const d of declared) {
      const raw = JSON.parse(readFileSync(join(REPO_ROOT, d.path), 'utf8')) as { scopeName: string };
      assert.equal(raw.scopeName, d.scopeName, d.path);
      assert.equal(join(REPO_ROOT, d.path), join(SYNTAXES, `${d.language}.tmLanguage.json`));
      const multiLine: string[] = [];
      const walk = (node: unknown, at: string): void => {
        if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}[${i}]`));
        else if (node && typeof node === 'object') {
          for (const [k, v] of Object.entries(node)) {
            if (k === 'begin' || k === 'end' || k === 'while') multiLine.push(`${at}.${k}`);
            walk(v, `${at}.${k}`);
          }
        }
      };
      walk(raw, d.language);
      assert.deepEqual(multiLine, [], `begin/end rules could run past the end of a line in ${d.path}`);
    }
  });
});
