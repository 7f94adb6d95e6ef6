/**
 * Tokenizes every real output (../shared seed outputs + test/fixtures/lab-captured) with the grammar of its command:
 * each line must end back in the initial state (no scope leaks into the next line), no word may be left with only
 * the root scope, and the tokens that carry the meaning (chain names, targets, counters, MACs...) have their scope.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allFixtures, type FixtureFile } from './fixtures';
import { dump, hasScope, loadGrammar, LANGS, tokenizeLines, type Lang, type LineResult, type Tok } from './tm';
import type { IGrammar } from 'vscode-textmate';

const files = allFixtures();
const grammars = new Map<Lang, IGrammar>();
before(async () => {
  for (const l of LANGS) grammars.set(l, await loadGrammar(l));
});

test('the fixture set is the expected one (seed outputs found, every grammar exercised by real output)', () => {
  const seeds = files.filter((f) => f.dir === 'seed');
  const captured = files.filter((f) => f.dir === 'lab-captured');
  assert.ok(seeds.length >= 27, `seed outputs in ../shared/fixtures/seed-outputs: ${seeds.length}`);
  assert.ok(captured.length >= 40, `lab-captured outputs: ${captured.length}`);
  for (const l of LANGS) assert.ok(files.some((f) => f.lang === l && f.text.trim()), `a non-empty fixture for ${l}`);
});

/** Tokens of `line` overlapping the regex match `re` (group 1 if present). */
function tokensAt(r: LineResult, re: RegExp): Tok[] {
  const m = re.exec(r.line);
  if (!m) return [];
  const text = m[1] ?? m[0];
  const start = m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0);
  const end = start + text.length;
  const out: Tok[] = [];
  let pos = 0;
  for (const t of r.tokens) {
    const s = pos;
    pos += t.text.length;
    if (pos > start && s < end) out.push(t);
  }
  return out;
}

/** Asserts that the text matched by `re` on the line is covered by tokens all carrying `scope`. */
function expectScope(f: FixtureFile, r: LineResult, re: RegExp, scope: string): void {
  const toks = tokensAt(r, re).filter((t) => t.text.trim());
  assert.ok(toks.length > 0, `${f.name}: ${re} on ${JSON.stringify(r.line)}`);
  for (const t of toks) assert.ok(hasScope(t.scopes, scope), `${f.name}: ${JSON.stringify(t.text)} should be ${scope} in ${JSON.stringify(r.line)}\n${dump(r.tokens)}`);
}

/** Per-grammar checks of the meaningful tokens of each line of real output. */
const checks: Record<Lang, (f: FixtureFile, r: LineResult) => number> = {
  iptables(f, r) {
    let n = 0;
    const l = r.line;
    if (/^-[AIDNXFP] /.test(l)) {
      expectScope(f, r, /^-[AIDNXFP]/, 'keyword.control');
      expectScope(f, r, /^-[AIDNXFP] (\S+)/, 'entity.name.function.chain');
      n += 2;
    }
    if (/^-P \S+ (\S+)/.test(l)) {
      expectScope(f, r, /^-P \S+ (\S+)/, 'support.function.target');
      n++;
    }
    if (/ -j (\S+)/.test(l)) {
      const target = / -j (\S+)/.exec(l)?.[1] ?? '';
      const builtin = /^[A-Z]+$/.test(target) && !/^DOCKER/.test(target);
      expectScope(f, r, / -j (\S+)/, builtin ? 'support.function.target' : 'entity.name.function.chain');
      n++;
    }
    if (/^:/.test(l)) {
      expectScope(f, r, /^:(\S+)/, 'entity.name.function.chain');
      expectScope(f, r, /\[(\d+):\d+\]/, 'constant.numeric');
      n += 2;
    }
    if (/^\*/.test(l)) {
      expectScope(f, r, /^\*(\S+)/, 'entity.name.section.table');
      n++;
    }
    if (l === 'COMMIT') {
      expectScope(f, r, /COMMIT/, 'keyword.control');
      n++;
    }
    if (/^#/.test(l)) {
      expectScope(f, r, /.+/, 'comment.line');
      n++;
    }
    for (const m of l.matchAll(/ (!) /g)) {
      assert.ok(r.tokens.some((t) => t.text === m[1] && hasScope(t.scopes, 'keyword.operator.negation')), `${f.name}: ! in ${l}`);
      n++;
    }
    if (/ -[io] (\S+)/.test(l)) {
      expectScope(f, r, / -[io] (\S+)/, 'entity.name.tag.interface');
      n++;
    }
    if (/ -[sd] (\S+)/.test(l)) {
      expectScope(f, r, / -[sd] (\S+)/, 'constant.other');
      n++;
    }
    if (/--[ds]port (\d+)/.test(l)) {
      expectScope(f, r, /--[ds]port (\d+)/, 'constant.numeric.port');
      n++;
    }
    return n;
  },
  'iptables-list'(f, r) {
    let n = 0;
    const l = r.line;
    if (/^Chain /.test(l)) {
      expectScope(f, r, /^Chain/, 'keyword.control');
      expectScope(f, r, /^Chain (\S+)/, 'entity.name.function.chain');
      const c = /\((?:policy \S+ )?(\d+)/.exec(l);
      if (c) {
        expectScope(f, r, /\((?:policy \S+ )?(\d+)/, 'constant.numeric');
        n++;
      }
      if (/policy (\S+)/.test(l)) {
        expectScope(f, r, /policy (\S+)/, 'support.function.target');
        n++;
      }
      n += 2;
    } else if (/^\s*pkts bytes target/.test(l)) {
      expectScope(f, r, /.*destination/, 'keyword.other.column-header');
      n++;
    } else if (/^\s*\d+[KMG]?\s+\d+[KMG]?\s/.test(l)) {
      expectScope(f, r, /^\s*(\d+[KMG]?)/, 'constant.numeric');
      expectScope(f, r, /^\s*\d+[KMG]?\s+(\d+[KMG]?)/, 'constant.numeric');
      // [num] pkts bytes target prot opt
      const TARGET = /^\s*(?:\d+\s+)?\d+[KMGT]?\s+\d+[KMGT]?\s+(\S+)\s+!?\w+\s+--\s/;
      const target = TARGET.exec(l)?.[1] ?? '';
      expectScope(f, r, TARGET, /^(?:DNAT|SNAT|MARK|REDIRECT|MASQUERADE|ACCEPT|DROP|RETURN)$/.test(target) ? 'support.function.target' : 'entity.name.function.chain');
      n += 3;
      if (/dpt:(\d+)/.test(l)) {
        expectScope(f, r, /dpt:(\d+)/, 'constant.numeric.port');
        n++;
      }
      if (/MARK set (0x\w+)/.test(l)) {
        expectScope(f, r, /MARK set (0x\w+)/, 'constant.numeric');
        n++;
      }
      if (/to:(\d+\.\d+\.\d+\.\d+)/.test(l)) {
        expectScope(f, r, /to:(\d+\.\d+\.\d+\.\d+)/, 'constant.other.address');
        n++;
      }
      if (/redir ports (\d+)/.test(l)) {
        expectScope(f, r, /redir ports (\d+)/, 'constant.numeric.port');
        n++;
      }
    }
    return n;
  },
  ipvsadm(f, r) {
    let n = 0;
    const l = r.line;
    if (/^(FWM|TCP|UDP)\s/.test(l)) {
      expectScope(f, r, /^(FWM|TCP|UDP)/, 'keyword.control.service');
      expectScope(f, r, /^\S+\s+(\S+)/, /^FWM/.test(l) ? 'constant.numeric.fwmark' : 'constant.other');
      expectScope(f, r, /^\S+\s+\S+\s+(\w+)/, 'support.function.scheduler');
      n += 3;
    } else if (/^\s+-> (?!RemoteAddress)/.test(l)) {
      expectScope(f, r, /^\s+-> (\S+)/, /^\d+\.\d+\.\d+\.\d+/.test(l.trim().slice(3)) ? 'constant.other' : 'meta.hostname-port');
      expectScope(f, r, /(Masq|Route|Tunnel|Local)/, 'constant.language.forward-method');
      expectScope(f, r, /(?:Masq|Route|Tunnel|Local)\s+(\d+)/, 'constant.numeric');
      n += 3;
    } else if (/^IP Virtual Server/.test(l)) {
      expectScope(f, r, /^IP Virtual Server/, 'keyword.other.banner');
      expectScope(f, r, /version (\S+)/, 'constant.numeric.version');
      n += 2;
    } else if (l.trim()) {
      expectScope(f, r, /\w.*\S/, 'keyword.other.column-header');
      n++;
    }
    return n;
  },
  'bridge-fdb'(f, r) {
    let n = 0;
    const l = r.line;
    if (!l.trim()) return 0;
    expectScope(f, r, /^(\S+)/, 'constant.other.mac');
    n++;
    if (/dst (\S+)/.test(l)) {
      expectScope(f, r, /dst (\S+)/, 'constant.other.address');
      n++;
    }
    if (/(?:dev|master) (\S+)/.test(l)) {
      expectScope(f, r, /(?:dev|master) (\S+)/, 'entity.name.tag.interface');
      n++;
    }
    if (/\b(self|permanent)\b/.test(l)) {
      expectScope(f, r, /\b(self|permanent)\b/, 'storage.modifier.flag');
      n++;
    }
    if (/link-netnsid (\d+)/.test(l)) {
      expectScope(f, r, /link-netnsid (\d+)/, 'constant.numeric');
      n++;
    }
    return n;
  },
  iproute(f, r) {
    let n = 0;
    const l = r.line;
    if (/^\d+: /.test(l)) {
      expectScope(f, r, /^(\d+)/, 'constant.numeric.ifindex');
      expectScope(f, r, /^\d+: ([^@:\s]+)/, 'entity.name.type.interface');
      if (/@if(\d+)/.test(l)) {
        expectScope(f, r, /@if(\d+)/, 'constant.numeric.ifindex.peer');
        n++;
      }
      if (/ state (\w+)/.test(l)) {
        expectScope(f, r, / state (\w+)/, 'constant.language.state');
        n++;
      }
      if (/ master (\S+)/.test(l)) {
        expectScope(f, r, / master (\S+)/, 'entity.name.tag.interface');
        n++;
      }
      n += 2;
    }
    if (/^\s+link\/ether (\S+)/.test(l)) {
      expectScope(f, r, /^\s+link\/ether (\S+)/, 'constant.other.mac');
      n++;
    }
    if (/link-netnsid (\d+)/.test(l)) {
      expectScope(f, r, /link-netnsid (\d+)/, 'constant.numeric');
      n++;
    }
    if (/^\s+inet6? (\S+)/.test(l)) {
      expectScope(f, r, /^\s+inet6? (\S+)/, 'constant.other.cidr');
      n++;
    }
    if (/vxlan id (\d+)/.test(l)) {
      expectScope(f, r, /vxlan id (\d+)/, 'constant.numeric.vni');
      n++;
    }
    if (/dstport (\d+)/.test(l)) {
      expectScope(f, r, /dstport (\d+)/, 'constant.numeric.port');
      n++;
    }
    if (/^(\d+\.\d+\.\d+\.\d+\/\d+) dev/.test(l)) {
      expectScope(f, r, /^(\S+)/, 'constant.other.cidr');
      n++;
    }
    if (/ dev (\S+)/.test(l) && !/^\s/.test(l)) {
      expectScope(f, r, / dev (\S+)/, 'entity.name.tag.interface');
      n++;
    }
    if (/^\S+ \(id: \d+\)$/.test(l)) {
      expectScope(f, r, /^(\S+)/, 'entity.name.namespace');
      expectScope(f, r, /id: (\d+)/, 'constant.numeric');
      n += 2;
    }
    if (/lladdr (\S+)/.test(l)) {
      expectScope(f, r, /lladdr (\S+)/, 'constant.other.mac');
      n++;
    }
    if (/ (PERMANENT|REACHABLE|STALE|FAILED)\b/.test(l)) {
      expectScope(f, r, / (PERMANENT|REACHABLE|STALE|FAILED)\b/, 'constant.language.nud-state');
      n++;
    }
    return n;
  },
};

for (const f of files) {
  describe(`${f.dir}/${f.name} (${f.lang})`, () => {
    let lines: LineResult[] = [];
    before(() => {
      const g = grammars.get(f.lang);
      assert.ok(g);
      lines = tokenizeLines(g, f.text);
    });

    test('every line ends back in the initial state (no unterminated scope)', () => {
      for (const r of lines) {
        assert.equal(r.depthAfter, 1, `stack depth after ${JSON.stringify(r.line)}`);
        assert.ok(r.backToInitial, `rule stack after ${JSON.stringify(r.line)}`);
      }
    });

    test('no word is left with only the root scope', () => {
      for (const r of lines) {
        for (const t of r.tokens) {
          if (t.scopes.length === 1 && t.text.trim()) assert.fail(`${JSON.stringify(t.text)} unscoped in ${JSON.stringify(r.line)}\n${dump(r.tokens)}`);
        }
      }
    });

    test('meaningful tokens carry their scope', () => {
      let n = 0;
      for (const r of lines) n += checks[f.lang](f, r);
      if (f.text.trim()) assert.ok(n > 0, 'at least one meaningful token checked');
    });
  });
}
