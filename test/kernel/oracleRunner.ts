/**
 * Runs inside a throw-away network namespace (`unshare -rn`): reads CorpusRule[] (JSON) on stdin, gives each rule to
 * the real iptables (`iptables -t T -A|-I CHAIN …`) and writes [{ ok, said }] (same order) on stdout. The chain is
 * created first; a target iptables cannot load (`Couldn't load target`) is created as a chain and the rule retried
 * (a jump to a chain made elsewhere is not a syntax question; the save files' declarations are judged by the
 * linter's own tests), and so is a missing ipset (`Set X doesn't exist`, made as hash:net).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CorpusRule } from './corpusRules';

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);
const made = new Set<string>();

function run(argv: string[]): { ok: boolean; said: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { ok: r.status === 0, said: `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n')[0] ?? '' };
}

/** Runs argv once; `true` when it made something (a chain or a set) the rule was missing, so it is worth a retry. */
function makeMissing(r: CorpusRule, said: string): boolean {
  const chain = /Couldn't load target `([^']+)'/.exec(said) ?? /Chain '([^']+)' does not exist/.exec(said);
  const set = /Set (\S+) doesn't exist/.exec(said);
  const key = chain ? `${r.binary} ${r.table} ${chain[1]}` : set ? `set ${set[1]}` : undefined;
  if (!key || made.has(key)) return false;
  made.add(key);
  if (chain) run([r.binary, '-t', r.table, '-N', chain[1]]);
  else if (set) run(['ipset', 'create', set[1], 'hash:net', 'family', r.binary === 'ip6tables' ? 'inet6' : 'inet']);
  return true;
}

function judge(r: CorpusRule): { ok: boolean; said: string } {
  const own = `${r.binary} ${r.table} ${r.chain}`;
  if (!BUILTIN.has(r.chain) && !made.has(own)) {
    made.add(own);
    run([r.binary, '-t', r.table, '-N', r.chain]);
  }
  for (;;) {
    const res = run([r.binary, '-t', r.table, r.op, r.chain, ...r.rest]);
    if (res.ok || !makeMissing(r, res.said)) return res;
  }
}

const rules = JSON.parse(readFileSync(0, 'utf8')) as CorpusRule[];
process.stdout.write(JSON.stringify(rules.map(judge)));
