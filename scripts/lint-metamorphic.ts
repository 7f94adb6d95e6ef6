/**
 * Metamorphic check of the linter on the real-world corpora: rewrites every rule file in ways that do not change what
 * its rules do (CRLF line ends, `sudo`, `/usr/sbin/iptables`, `-w`, `-t filter`, long option names, quoted values, a
 * `2>/dev/null || true` tail, a comment, a `$ ` prompt, indentation, a shebang, a Markdown fence, a function, an `if`,
 * `sh -c "…"`, an `ssh node <<'EOF'` here-document, a Makefile recipe, Ansible `shell: |` and `command:` tasks,
 * cloud-init runcmd, systemd ExecStart= and wg-quick PostUp= lines, a `case` arm, Markdown inline code, the binary in a
 * variable; save files: counters, a here-document writing rules.v4, one inside a quoted command substitution, an
 * indented code block, cloud-init's write_files) and reports every file whose warnings and errors (code, line, severity) change.
 * Usage: npx tsx scripts/lint-metamorphic.ts [dir…]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lintRules } from '../src/core/lint';

/** A rewrite: the new text and the line (0-based) of the original's line `l` in it. */
interface Rewrite {
  name: string;
  apply(text: string): { text: string; lineOf(l: number): number; continued?: Map<number, number> } | undefined;
}

const COMMAND = /^(\s*)(iptables|ip6tables)(\s)/;
const perLine = (name: string, f: (line: string) => string, when: (text: string) => boolean = (t) => COMMAND.test(t)): Rewrite => ({
  name,
  apply(text) {
    const lines = text.split('\n');
    if (!lines.some((l) => when(l))) return undefined;
    return { text: lines.map((l) => (when(l) ? f(l) : l)).join('\n'), lineOf: (l) => l };
  },
});
/** A command line the shell reads on its own: not continued, not continuing, no shell operators of its own. */
// (not a program's `iptables = '''*raw`, a variable named iptables)
const plainCommand = (l: string, prev: string) => COMMAND.test(l) && !/^\s*ip6?tables\s*=/.test(l) && !/[\\|&;<>`]|\$\(/.test(l) && !prev.endsWith('\\');

/**
 * A script of commands: iptables command lines and no rules-file text (bare `-A …` lines among commands are said to be
 * no commands in a script, and may be a rules file's in a guide: a shebang or a fence changes that judgment on purpose).
 */
// (a restore line among the commands, `:FORWARD DROP [0:0]` quoted from iptables-save, is no shell: a shebang makes it a failing command)
const script = (text: string) => !/^\*(filter|nat|mangle|raw)|^\s*-[AIN] |^:[\w-]+\s+(?:ACCEPT|DROP|-)\s/m.test(text) && text.split('\n').some((l) => COMMAND.test(l));
/** Only plain iptables command lines (and comments, blank lines): a text that fits a config file's command keys. */
const plainOnly = (text: string) => {
  const lines = text.split('\n');
  return lines.some((l) => COMMAND.test(l)) && lines.every((l, k) => /^\s*(#.*)?$/.test(l) || plainCommand(l, lines[k - 1] ?? ''));
};
/** Puts `head` lines before the text and changes each plain command line with `cmd`; the other lines are kept. */
const wrapped = (name: string, head: string[], cmd: (l: string) => string, tail: string[] = [], when = script): Rewrite => ({
  name,
  apply(text) {
    if (!when(text)) return undefined;
    const lines = text.split('\n');
    const body = lines.map((l, k) => (plainCommand(l, lines[k - 1] ?? '') ? cmd(l) : l));
    return { text: [...head, ...body, ...tail].join('\n'), lineOf: (l) => l + head.length };
  },
});

const LONG: [RegExp, string][] = [[/ -A /g, ' --append '], [/ -I /g, ' --insert '], [/ -j /g, ' --jump '], [/ -s /g, ' --source '], [/ -d /g, ' --destination '], [/ -i /g, ' --in-interface '], [/ -o /g, ' --out-interface '], [/ -p /g, ' --protocol '], [/ -m /g, ' --match ']];

export const REWRITES: Rewrite[] = [
  { name: 'crlf', apply: (t) => ({ text: t.replace(/\n/g, '\r\n'), lineOf: (l) => l }) },
  perLine('sudo', (l) => l.replace(COMMAND, '$1sudo $2$3')),
  perLine('path', (l) => l.replace(COMMAND, '$1/usr/sbin/$2$3')),
  perLine('wait', (l) => l.replace(COMMAND, '$1$2 -w$3')),
  perLine('long-options', (l) => LONG.reduce((s, [re, to]) => s.replace(re, to), l), (l) => COMMAND.test(l) && !/["']/.test(l)),
  {
    name: 'or-true',
    apply(text) {
      const lines = text.split('\n');
      const out = lines.map((l, k) => (plainCommand(l, lines[k - 1] ?? '') && !/#|\s-N\s/.test(l) ? `${l.replace(/\s+$/, '')} 2>/dev/null || true` : l));
      return out.some((l, k) => l !== lines[k]) ? { text: out.join('\n'), lineOf: (l) => l } : undefined;
    },
  },
  perLine('indent', (l) => `    ${l}`),
  perLine('spaces', (l) => l.replace(/ (-[-a-z]+) (?=[^-\s"'])/gi, '  $1  '), (l) => COMMAND.test(l) && !/["'\\]/.test(l)),
  perLine('table', (l) => l.replace(COMMAND, '$1$2 -t filter$3'), (l) => COMMAND.test(l) && !/\s(-t\s*\w|--table)|\s-[LSFXZNPCEDR]\s/.test(l) && /\s-[AI]\s+\S+/.test(l) && !/-j\s+(DNAT|SNAT|MASQUERADE|REDIRECT|MARK)\b/.test(l)),
  // (not in a text that already names a backend: there `iptables` and `iptables-legacy` are two rule sets)
  { name: 'legacy', apply: (t) => (/iptables-(legacy|nft)\b/.test(t) ? undefined : perLine('legacy', (l) => l.replace(COMMAND, '$1$2-legacy$3')).apply(t)) },
  perLine('quoted-values', (l) => l.replace(/ (-[sdio]|--dports?|--sports?) ([\w./:,-]+)(?= |$)/g, ' $1 "$2"'), (l) => COMMAND.test(l) && !/["'\\$]/.test(l)),
  {
    name: 'comment-tail',
    apply(text) {
      const lines = text.split('\n');
      const out = lines.map((l, k) => (plainCommand(l, lines[k - 1] ?? '') && !/#/.test(l) ? `${l.replace(/\s+$/, '')}   # see the notes` : l));
      return out.some((l, k) => l !== lines[k]) ? { text: out.join('\n'), lineOf: (l) => l } : undefined;
    },
  },
  {
    name: 'shebang',
    apply(text) {
      if (!script(text)) return undefined;
      return { text: `#!/bin/bash\nset -euo pipefail\n${text}`, lineOf: (l) => l + 2 };
    },
  },
  {
    name: 'counters',
    apply(text) {
      if (!/^\*(filter|nat|mangle|raw)\s*$/m.test(text) || /^\[\d+:\d+\]/m.test(text)) return undefined;
      let inSave = false;
      const out = text.split('\n').map((l) => {
        if (/^\*\w+\s*$/.test(l)) inSave = true;
        if (l.trim() === 'COMMIT') inSave = false;
        return inSave && l.startsWith('-A ') ? `[0:0] ${l}` : l;
      });
      return { text: out.join('\n'), lineOf: (l) => l };
    },
  },
  wrapped('function', ['setup_firewall() {'], (l) => `  ${l}`, ['}', 'setup_firewall "$@"'], (t) => script(t) && !/\(\)\s*\{|^\s*function\s/m.test(t)),
  wrapped('if', ['if [ "$(id -u)" -eq 0 ]; then'], (l) => `  ${l}`, ['fi']),
  wrapped('makefile', ['.PHONY: firewall', 'firewall:'], (l) => `\t${l.trim()}`, [], plainOnly),
  wrapped('ansible-shell', ['- name: firewall rules', '  become: true', '  shell: |'], (l) => `    ${l.trim()}`, [], plainOnly),
  wrapped('ansible-command', ['- hosts: docker_hosts', '  tasks:'], (l) => `    - command: ${l.trim()}`, [], plainOnly),
  wrapped('cloud-init', ['#cloud-config', 'runcmd:'], (l) => `  - ${l.trim()}`, [], plainOnly),
  // (a text of several snippets, each from its own `#!` line, is several scripts: one here-document would join them)
  wrapped('ssh-heredoc', ["ssh root@node1 <<'EOF'"], (l) => l, ['EOF'], (t) => script(t) && !/\n\s*#!/.test(t) && !/^EOF$/m.test(t)),
  perLine('sh-c', (l) => l.replace(/^(\s*)(.*?)\s*$/, '$1sudo sh -c "$2"'), (l) => COMMAND.test(l) && !/["'\\$`#|&;<>]/.test(l)),
  {
    name: 'heredoc-rules',
    apply(text) {
      if (!/^\*filter\s*$/m.test(text) || !/^# form: save/m.test(text) || /^EOF$/m.test(text)) return undefined;
      return { text: `cat > /etc/iptables/rules.v4 <<'EOF'\n${text}\nEOF\niptables-restore < /etc/iptables/rules.v4\n`, lineOf: (l) => l + 1 };
    },
  },
  {
    // a here-document inside a quoted command substitution, then piped into iptables-restore (holdout 22)
    name: 'heredoc-substitution',
    apply(text) {
      if (!/^\*filter\s*$/m.test(text) || !/^# form: save/m.test(text) || /^EOF$/m.test(text)) return undefined;
      return { text: `rules="$(cat <<'EOF'\n${text}\nEOF\n)"\necho "$rules" | iptables-restore\n`, lineOf: (l) => l + 1 };
    },
  },
  // every command in one arm of a `case` (`start)`), the usage message in the other (holdout 22)
  wrapped('case-arm', ['case "$1" in', 'start)'], (l) => `  ${l}`, ['  ;;', '*)', '  echo "usage: $0 start"', '  ;;', 'esac'], (t) => script(t) && !/^\s*(case|esac)\b/m.test(t)),
  wrapped('for-loop', ['for attempt in 1; do'], (l) => `  ${l}`, ['done']),
  perLine('sudo-flags', (l) => l.replace(COMMAND, '$1sudo -n -E $2$3')),
  {
    // a long command split over two lines before its target (`… \\` newline `    -j DROP`)
    name: 'continuation',
    apply(text) {
      const lines = text.split('\n');
      const split = (l: string, k: number) => plainCommand(l, lines[k - 1] ?? '') && / -j \S/.test(l);
      if (!lines.some(split)) return undefined;
      const at: number[] = [];
      const out: string[] = [];
      // the second line of a split command belongs to the original's line (a finding on its target is that line's)
      const continued = new Map<number, number>();
      lines.forEach((l, k) => {
        at.push(out.length);
        if (!split(l, k)) out.push(l);
        else {
          continued.set(out.length + 1, k);
          out.push(l.replace(/ -j (\S.*)$/, ' \\'), `    -j ${/ -j (\S.*)$/.exec(l)?.[1] ?? ''}`);
        }
      });
      return { text: out.join('\n'), lineOf: (l) => at[l] ?? -1, continued };
    },
  },
  wrapped('systemd', ['[Service]', 'Type=oneshot'], (l) => `ExecStart=/usr/sbin/${l.trim()}`, [], plainOnly),
  wrapped('wg-quick', ['[Interface]', 'Address = 10.8.0.1/24'], (l) => `PostUp = ${l.trim()}`, [], plainOnly),
  perLine('prompt', (l) => l.replace(COMMAND, '$1$ $2$3'), (l) => /^iptables\s/.test(l)),
  // each command as Markdown's inline code on its own line (a guide's `` `iptables -I …` `` lines); only commands iptables
  // accepts: a refused one in inline code is a piece the text completes later (a placeholder), not read
  wrapped('inline-code', [], (l) => `\`${l.trim()}\``, [], (t) => plainOnly(t) && !lintRules(t).diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('syntax/'))),
  {
    // the binary named by a variable the script sets (`IPTABLES=/usr/sbin/iptables`, after the shebang if any)
    name: 'variable-binary',
    apply(text) {
      // (not yet held: a wrapper function around the variable, `ipt() { $IPTABLES -w "$@"; }`; two binaries on one line;
      // an IPv6 address given to iptables, which only the literal binary's name shows to be refused)
      if (!script(text) || /\$\{?IP6?TABLES\b|"\$@"/.test(text) || /ip6?tables\b.*\bip6?tables\s/.test(text) || /^\s*iptables\s.*\s-[sd]\s+[\da-f]*:[\da-f:]*[/\s]/m.test(text)) return undefined;
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.startsWith('#!')) + 1;
      const body = lines.map((l) => l.replace(COMMAND, (_m, sp: string, bin: string, ws: string) => `${sp}${bin === 'iptables' ? '$IPTABLES' : '$IP6TABLES'}${ws}`));
      body.splice(at, 0, 'IPTABLES=/usr/sbin/iptables', 'IP6TABLES=/usr/sbin/ip6tables');
      return { text: body.join('\n'), lineOf: (l) => (l < at ? l : l + 2) };
    },
  },
  {
    // a rules file as a Markdown indented code block
    name: 'indent-save',
    apply(text) {
      if (!/^\*(filter|nat|mangle|raw)\s*$/m.test(text) || !/^# form: save/m.test(text)) return undefined;
      return { text: text.split('\n').map((l) => (l.trim() ? `    ${l}` : l)).join('\n'), lineOf: (l) => l };
    },
  },
  {
    // a rules file cloud-init writes (`write_files:` … `content: |`) and loads; only complete files (each section committed)
    name: 'write-files',
    apply(text) {
      if (!/^# form: save/m.test(text) || /^EOF$/m.test(text)) return undefined;
      const tables = (text.match(/^\*(filter|nat|mangle|raw|security)\s*$/gm) ?? []).length;
      if (tables === 0 || (text.match(/^COMMIT\s*$/gm) ?? []).length !== tables) return undefined;
      const head = ['#cloud-config', 'write_files:', '  - path: /etc/iptables/rules.v4', '    content: |'];
      const body = text.split('\n').map((l) => (l.trim() ? `      ${l}` : l));
      return { text: [...head, ...body, 'runcmd:', '  - iptables-restore < /etc/iptables/rules.v4'].join('\n'), lineOf: (l) => l + head.length };
    },
  },
  {
    name: 'markdown-fence',
    apply(text) {
      // (a text with fences of its own: the wrapping fences would pair with them, turning its prose into code and back)
      if (!script(text) || /^\s*(?:```|~~~)/m.test(text)) return undefined;
      return { text: `To restrict the published ports, run:\n\n\`\`\`bash\n${text}\n\`\`\`\n\nThen check with iptables -S.\n`, lineOf: (l) => l + 3 };
    },
  },
];

type Finding = string;
function findings(text: string, lineOf: (l: number) => number = (l) => l, continued = new Map<number, number>()): Finding[] {
  const inv = new Map<number, number>(continued);
  const n = text.split('\n').length;
  for (let l = 0; l < n; l++) inv.set(lineOf(l), l);
  return lintRules(text)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map((d) => `${inv.get(d.span.line) ?? `?${d.span.line}`} ${d.severity} ${d.code}`)
    .sort();
}

/** Every `.rules` file below dir, in a stable order. */
export function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : n.endsWith('.rules') ? [p] : [];
    });
}

export interface MetamorphicDiff {
  file: string;
  rewrite: string;
  lost: Finding[];
  gained: Finding[];
}

/** The files whose warnings and errors change under a rewrite, and how many files each rewrite applied to. */
export function metamorphicDiffs(paths: string[]): { diffs: MetamorphicDiff[]; applied: Map<string, number> } {
  const out: MetamorphicDiff[] = [];
  const applied = new Map<string, number>();
  for (const file of paths) {
    const text = readFileSync(file, 'utf8');
    const base = findings(text);
    for (const rw of REWRITES) {
      const r = rw.apply(text);
      if (!r) continue;
      applied.set(rw.name, (applied.get(rw.name) ?? 0) + 1);
      const got = findings(r.text, r.lineOf, r.continued);
      const lost = base.filter((f) => !got.includes(f));
      const gained = got.filter((f) => !base.includes(f));
      if (lost.length || gained.length) out.push({ file, rewrite: rw.name, lost, gained });
    }
  }
  return { diffs: out, applied };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dirs = args.filter((a) => !a.startsWith('--'));
  const paths = (dirs.length ? dirs : [join(__dirname, '..', 'test', 'fixtures', 'lint')]).flatMap(files);
  const { diffs, applied } = metamorphicDiffs(paths);
  console.log(`applied: ${[...applied].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const d of diffs) console.log(`${d.rewrite.padEnd(15)} ${d.file.replace(/.*fixtures\/lint\//, '')}\n    lost: ${d.lost.join('; ')}\n    gained: ${d.gained.join('; ')}`);
  console.log(`${paths.length} files, ${REWRITES.length} rewrites: ${diffs.length} changed`);
}
