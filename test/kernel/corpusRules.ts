/**
 * The literal `-A`/`-I` rules of the lint corpora (test/fixtures/lint/**.rules), read WITHOUT swarmnet's parser so
 * that the kernel can judge them independently: iptables-save sections (`*table` … `COMMIT`), `-S` lines and command
 * lines (`[sudo] [/path/]iptables …`, `\` continuations joined). Lines whose words the shell would compute (`$VAR`,
 * `$(…)`, backquotes), pipes, redirections, `;`/`&&`, braces and placeholders (`<port>`, `{{ x }}`) are skipped:
 * only rules whose argv is known exactly are kept. A command's `-I CHAIN N` loses its N (syntax, not position).
 */
import { readFileSync } from 'node:fs';
import { files } from '../../scripts/lint-metamorphic';

export interface CorpusRule {
  file: string;
  /** 1-based line of the rule's first physical line. */
  line: number;
  form: 'save' | 'S' | 'command';
  binary: 'iptables' | 'ip6tables';
  table: string;
  op: '-A' | '-I';
  chain: string;
  /** The arguments after the chain (and the position), as the shell would pass them. */
  rest: string[];
}

const BIN = /^\s*(?:\$\s+)?(?:sudo\s+(?:-\S+\s+)*)?(?:\S*\/)?(ip6?tables)(?:-legacy|-nft)?\s+(.*)$/;
const COMPUTED = /[$`|;&<>(){}\\]/;
const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);
const MANGLE_TARGETS = new Set(['MARK', 'CONNMARK', 'TPROXY', 'TOS', 'DSCP', 'TTL', 'HL', 'CLASSIFY', 'TCPMSS']);

/**
 * POSIX shell words of a line without expansions (callers skip `$`, backquotes): single quotes, double quotes,
 * backslash escapes, `#` starting a word begins a comment. Undefined for an unterminated quote.
 */
export function shellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else if (c === '#' && cur === undefined) break;
    else if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return undefined;
      cur = (cur ?? '') + s.slice(i + 1, close);
      i = close;
    } else if (c === '\\' && i + 1 < s.length) cur = (cur ?? '') + s[++i];
    else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** Table (`-t`), command, chain and the other arguments of `-A`/`-I` argv; undefined for any other command. */
function commandOf(argv: string[]): { table?: string; op: '-A' | '-I'; chain: string; rest: string[] } | undefined {
  let table: string | undefined;
  let op: '-A' | '-I' | undefined;
  let chain: string | undefined;
  const rest: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '-t' || a === '--table') table = argv[++k];
    else if (/^-t[a-z]+$/.test(a)) table = a.slice(2);
    else if (a === '-w' || a === '--wait') {
      if (/^\d+(\.\d+)?$/.test(argv[k + 1] ?? '')) k++;
    } else if (!op && ['-A', '--append', '-I', '--insert'].includes(a)) {
      op = a === '-A' || a === '--append' ? '-A' : '-I';
      chain = argv[++k];
      if (op === '-I' && /^\d+$/.test(argv[k + 1] ?? '')) k++;
    } else rest.push(a);
  }
  if (!op || !chain || chain.startsWith('-')) return undefined;
  return { table, op, chain, rest };
}

/** The table of an `-S` line, which does not say it: nat and mangle by their targets and chains, else filter. */
function tableOfS(chain: string, rest: string[]): string {
  const j = rest.findIndex((a) => a === '-j' || a === '--jump');
  const target = j >= 0 ? rest[j + 1] : undefined;
  // a DROP in PREROUTING: Docker 28's raw rules for ports published on 127.0.0.1 (nat refuses DROP)
  if (chain === 'PREROUTING' && target === 'DROP') return 'raw';
  if ((target && NAT_TARGETS.has(target)) || chain === 'PREROUTING' || chain === 'POSTROUTING') return 'nat';
  return target && MANGLE_TARGETS.has(target) ? 'mangle' : 'filter';
}

/** An IPv6 rule: an address with `:` after -s/-d (or a `[…]` DNAT destination), or ICMPv6 words. */
function ipv6Rule(rest: string[]): boolean {
  return rest.some((a, k) => /icmp6|icmpv6|ipv6-icmp/i.test(a) || (['-s', '-d', '--source', '--destination', '--src', '--dst'].includes(rest[k - 1] ?? '') && a.includes(':')) || (rest[k - 1] === '--to-destination' && a.startsWith('[')));
}

/** Logical lines: a line ending in one `\` continues (outside a *table section: iptables-restore has no continuation). */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  let inSave = false;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let t = lines[i].replace(/\r$/, '');
    if (/^\*\w+\s*$/.test(t.trim())) inSave = true;
    if (t.trim() === 'COMMIT') inSave = false;
    while (!inSave && /(^|[^\\])\\$/.test(t) && i + 1 < lines.length) t = `${t.slice(0, -1)} ${lines[++i].replace(/\r$/, '')}`;
    out.push({ line: start + 1, text: t });
  }
  return out;
}

/**
 * The words of an iptables-save line as iptables-restore reads them: only double quotes quote; `'` and a `#` after
 * the first word are plain characters (a trailing `# Docker` comment is two more arguments, which it refuses).
 */
export function restoreWords(s: string): string[] | undefined {
  const words: string[] = [];
  for (const m of s.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2]);
  return /^[^"]*("[^"]*"[^"]*)*$/.test(s) ? words : undefined;
}

export function rulesOfText(file: string, text: string): CorpusRule[] {
  const out: CorpusRule[] = [];
  let section: string | undefined;
  // the save-form rules of each `*table` … `COMMIT` section: one IPv6 rule makes the whole section ip6tables-restore's
  // input (`-m rt`, ip6tables' routing-header match, is refused by iptables but belongs to the section's family)
  const sections: CorpusRule[][] = [];
  for (const { line, text: t } of logicalLines(text)) {
    const s = t.trim();
    if (s === '' || s.startsWith('#')) continue;
    const header = /^\*(\w+)$/.exec(s);
    if (header) {
      section = header[1];
      sections.push([]);
    }
    if (header || s === 'COMMIT') {
      if (!header) section = undefined;
      continue;
    }
    let args: string;
    let form: CorpusRule['form'];
    let binary: CorpusRule['binary'] = 'iptables';
    const b = BIN.exec(t);
    if (section) [args, form] = [s.replace(/^\[\d+:\d+\]\s*/, ''), 'save'];
    else if (b) [args, form, binary] = [b[2], 'command', b[1] as CorpusRule['binary']];
    else if (/^-[AI] /.test(s)) [args, form] = [s, 'S'];
    else continue;
    if (form !== 'command' && !args.startsWith('-A ')) continue;
    if (COMPUTED.test(args) || args.includes('{{')) continue;
    const argv = form === 'save' ? restoreWords(args) : shellWords(args);
    const cmd = argv && commandOf(argv);
    if (!cmd) continue;
    const table = section ?? cmd.table ?? (form === 'S' ? tableOfS(cmd.chain, cmd.rest) : 'filter');
    // a dump does not say its family: ip6tables-save / ip6tables -S text holds IPv6 addresses or ICMPv6
    if (form !== 'command' && ipv6Rule(cmd.rest)) binary = 'ip6tables';
    const rule: CorpusRule = { file, line, form, binary, table, op: cmd.op, chain: cmd.chain, rest: cmd.rest };
    out.push(rule);
    if (section) sections[sections.length - 1]?.push(rule);
  }
  for (const rules of sections) if (rules.some((x) => x.binary === 'ip6tables')) for (const x of rules) x.binary = 'ip6tables';
  return out;
}

export function corpusRules(dir: string): CorpusRule[] {
  return files(dir).flatMap((f) => rulesOfText(f, readFileSync(f, 'utf8')));
}
