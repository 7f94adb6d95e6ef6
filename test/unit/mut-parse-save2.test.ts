/**
 * The parser behaviour added for shell-written rule files (lines.ts: unquoted here-documents and `\\` line ends;
 * parseLine.ts: Makefile recipe lines, bare lines holding shell operators, YAML list items quoted whole, the shell's
 * `:` no-op). Each expectation was written from bash and iptables semantics before the code was run on it:
 * - bash(1) "Here Documents": with an unquoted word the body undergoes expansion and `\` quotes `\`, so a body line
 *   ending in `\\` writes a line ending in `\` (a continued line of the file it writes); any quoting of the word
 *   (`'EOT'`, `"EOT"`, `\EOT`, `E"OT"`) leaves the body as it is; `<<-` strips leading tabs from the body and the
 *   delimiter line; `<<<` is a here-string, not a here-document; `#` starts a comment only at the start of a word.
 * - make(1): a recipe line starts with a tab; a leading `-` (and `@`, `+`) prefix is make's, not the command's.
 * - YAML: `- "iptables -P FORWARD ACCEPT"` is a list item whose scalar is the unquoted command (cloud-init runcmd).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { advanceLineState, logicalLines, newLineState, parseLogicalLine, parseRuleLine } from '../../src/core/iptables/parse';
import type { LineResult } from '../../src/core/iptables/lineResult';

/** Logical lines without undefined fields: [line, text, segments?, doubled?]. */
function ll(text: string): unknown[] {
  return logicalLines(text).map((l) => {
    const o: unknown[] = [l.line, l.text];
    if (l.segments || l.doubled) o.push(l.segments?.map((s) => [s.offset, s.line]) ?? null);
    if (l.doubled) o.push(l.doubled);
    return o;
  });
}
/** Physical lines of all `doubled` records. */
const doubled = (text: string): number[] => logicalLines(text).flatMap((l) => l.doubled ?? []);

function parse(text: string, inSave = false): LineResult {
  const st = newLineState();
  if (inSave) st.table = 'filter';
  return parseRuleLine(text, 0, st);
}
const shape = (r: LineResult): string => `${r.format}/${r.kind}${r.chain ? `/${r.chain}` : ''}`;

describe('logicalLines: unquoted here-documents', () => {
  const A = 'iptables -A INPUT -p tcp \\\\';
  const B = 'iptables -A INPUT -p udp \\\\';
  it('a body line ending in \\\\ continues (the file holds `\\`) and is not said; after the delimiter it is said', () => {
    const text = `cat <<EOT > /etc/fw.sh\n${A}\n  --dport 22 -j ACCEPT\nEOT\n${B}\n  --dport 53 -j ACCEPT\n`;
    assert.deepEqual(ll(text), [
      [0, 'cat <<EOT > /etc/fw.sh'],
      [1, 'iptables -A INPUT -p tcp    --dport 22 -j ACCEPT', [[26, 2]]],
      [3, 'EOT'],
      [4, 'iptables -A INPUT -p udp    --dport 53 -j ACCEPT', [[26, 5]], [4]],
    ]);
  });
  it('any body line ending in \\\\ continues inside the here-document; outside only a command line does', () => {
    assert.deepEqual(ll('cat > f <<EOF\necho hi \\\\\nthere\nEOF\necho hi \\\\\nthere'), [
      [0, 'cat > f <<EOF'],
      [1, 'echo hi  there', [[9, 2]]],
      [3, 'EOF'],
      [4, 'echo hi \\\\'],
      [5, 'there'],
    ]);
  });
  it('`<< EOT` (a blank before the word) opens one; so does a redirection first (`<<EOT cat`)', () => {
    assert.deepEqual(doubled(`cat > f << EOT\n${A}\n-j ACCEPT\nEOT\n`), []);
    assert.deepEqual(doubled(`<<EOT cat > f\n${A}\n-j ACCEPT\nEOT\n`), []);
  });
  it('`<<-EOT` ends at a tab-indented delimiter (one or more tabs); `<<EOT` does not', () => {
    assert.deepEqual(doubled(`cat <<-EOT > f\n\t${A}\n-j ACCEPT\n\t\tEOT\n${B}\n-j ACCEPT\n`), [4]);
    assert.deepEqual(doubled(`cat <<-EOT > f\n\tEOT\n${B}\n-j ACCEPT\n`), [2]);
    // without `-` the tab-indented line is body text: the here-document goes on, the \\\\ line is in it
    assert.deepEqual(doubled(`cat <<EOT > f\n\tEOT\n${B}\n-j ACCEPT\n`), []);
  });
  it('a quoted word (`\'EOT\'`, `"EOT"`, `\\EOT`, `E"OT"`) or a here-string `<<<` opens no unquoted here-document', () => {
    for (const opener of ["cat <<'EOT' > f", 'cat <<"EOT" > f', 'cat <<\\EOT > f', 'cat <<E"OT" > f', 'cat <<<EOT', 'cat <<< "$x"']) {
      assert.deepEqual(doubled(`${opener}\n${A}\n-j ACCEPT\nEOT\n`), [1], opener);
    }
  });
  it('a `<<EOT` in a comment opens nothing; a `#` inside a word is no comment', () => {
    assert.deepEqual(doubled(`# cat <<EOT > f\n${A}\n-j ACCEPT\n`), [1]);
    assert.deepEqual(doubled(`echo x #<<EOT\n${A}\n-j ACCEPT\n`), [1]);
    assert.deepEqual(doubled(`echo a#<<EOT > f\n${A}\n-j ACCEPT\nEOT\n`), []);
  });
  it('a `<<X` inside a body is body text: the outer delimiter still ends it', () => {
    assert.deepEqual(doubled(`cat <<EOT > f\ncat <<INNER\nEOT\n${B}\n-j ACCEPT\n`), [3]);
  });
});

describe('logicalLines: `\\\\` outside a here-document', () => {
  it('an iptables / ip6tables line or an option line (starting with -) ending in \\\\ is read as continued and recorded', () => {
    assert.deepEqual(ll('ip6tables -A INPUT \\\\\n-j ACCEPT'), [[0, 'ip6tables -A INPUT  -j ACCEPT', [[20, 1]], [0]]]);
    assert.deepEqual(ll('sudo iptables -A INPUT \\\\\n    -p tcp \\\\\n    --dport 22 -j ACCEPT'), [
      [0, 'sudo iptables -A INPUT      -p tcp      --dport 22 -j ACCEPT', [[24, 1], [36, 2]], [0, 1]],
    ]);
    assert.deepEqual(doubled('    --dport 22 \\\\\n-j ACCEPT'), [0]);
    assert.deepEqual(doubled('iptables -A INPUT \\\\\\\\\n-j ACCEPT'), [0], 'four backslashes: even, still doubled');
    assert.deepEqual(doubled('iptables -A INPUT \\\\\r\n-j ACCEPT'), [0], 'CRLF');
  });
  it('a comment line, a non-iptables command or the last line ending in \\\\ is not continued', () => {
    assert.deepEqual(ll('# iptables -A INPUT \\\\\n-j ACCEPT'), [[0, '# iptables -A INPUT \\\\'], [1, '-j ACCEPT']]);
    assert.deepEqual(ll('  # -A INPUT \\\\\n-j ACCEPT'), [[0, '  # -A INPUT \\\\'], [1, '-j ACCEPT']]);
    assert.deepEqual(ll('myiptables -A INPUT \\\\\n-j ACCEPT'), [[0, 'myiptables -A INPUT \\\\'], [1, '-j ACCEPT']]);
    assert.deepEqual(ll('iptables -A INPUT \\\\'), [[0, 'iptables -A INPUT \\\\']]);
  });
  it('three backslashes: a literal one and a continuation, not doubled', () => {
    assert.deepEqual(ll('iptables -A INPUT \\\\\\\n-j ACCEPT'), [[0, 'iptables -A INPUT \\\\ -j ACCEPT', [[21, 1]]]]);
  });
  it('a line that is only `\\` continues; a text starting with a newline has an empty first line', () => {
    assert.deepEqual(ll('\\\nx'), [[0, ' x', [[1, 1]]]]);
    assert.deepEqual(ll('\nA'), [[0, ''], [1, 'A']]);
  });
});

describe('parseLogicalLine: the new readings', () => {
  it('a doubled line gets one info per \\\\ line, at that line; the rule is read whole', () => {
    const [l] = logicalLines('iptables -A INPUT -p tcp \\\\\n  --dport 22 \\\\\n  -j ACCEPT');
    const r = parseLogicalLine(l, newLineState());
    assert.equal(shape(r), 'command/rule/INPUT');
    const infos = r.diagnostics.filter((d) => d.severity === 'info');
    assert.deepEqual(infos.map((d) => [d.span.line, d.span.start, d.span.end]), [[0, 0, 0], [1, 0, 0]]);
    assert.match(infos[0].message, /ends in `\\\\`/);
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
    assert.equal(r.rule?.target?.name, 'ACCEPT');
  });
  it('Makefile recipe lines (tab, then make\'s `-`, `@`, `+`) are shell commands', () => {
    assert.equal(shape(parse('\t-sudo iptables -D INPUT -j DROP')), 'command/rule/INPUT');
    assert.equal(shape(parse('\t-@iptables -A INPUT -j ACCEPT')), 'command/rule/INPUT');
    assert.equal(shape(parse('\t-iptables -A INPUT -j ACCEPT')), 'command/rule/INPUT');
    assert.equal(shape(parse('\t-@+iptables -F INPUT')), 'command/flush/INPUT');
    assert.equal(shape(parse('\t  -iptables -N X')), 'command/new-chain/X');
  });
  it('a tab-indented -S line is still one (`-A`, `--append`, `-t nat`), and so is a blank-indented `-sudo`', () => {
    assert.equal(shape(parse('\t-A INPUT -j ACCEPT')), 'S/rule/INPUT');
    assert.equal(shape(parse('\t--append INPUT -j ACCEPT')), 'S/rule/INPUT');
    assert.equal(parse('\t-t nat -A POSTROUTING -j MASQUERADE').table, 'nat');
    assert.equal(parse('\t-t nat -A POSTROUTING -j MASQUERADE').format, 'S');
    assert.equal(parse('  -sudo iptables -F').format, 'S');
    assert.equal(parse('\t-sudo iptables -F', true).format, 'save');
  });
  it('a bare line holding shell operators or redirections before any quote or # is a shell fragment', () => {
    for (const t of [
      '    -m conntrack --ctstate NEW -j ACCEPT 2>/dev/null || true',
      '-A INPUT -j ACCEPT || true',
      '-A INPUT -j ACCEPT && echo ok',
      '-A INPUT -j ACCEPT | tee x',
      '-A INPUT -j ACCEPT >&2',
      '-A INPUT -j ACCEPT 2>/dev/null',
      '-A INPUT -j ACCEPT 2>&1',
      '-A INPUT -j ACCEPT >/dev/null',
      '-A INPUT -j ACCEPT;',
      '-A INPUT -j ACCEPT ;  ',
      '-A INPUT -j ACCEPT; ',
    ]) assert.equal(parse(t).format, 'command', t);
  });
  it('not a fragment: operators inside quotes or after #, a mid-line `;`, a CIDR, inside a *table section', () => {
    for (const t of [
      '-A INPUT -m comment --comment "a || b" -j ACCEPT',
      "-A INPUT -m comment --comment 'x && y' -j ACCEPT",
      '-A INPUT -m comment --comment "x" -j LOG ;',
      '-A INPUT -j ACCEPT # a && b',
      '-A INPUT -j LOG --log-prefix a;b',
      '-A INPUT -s 10.0.0.0/8 -j ACCEPT',
      '-A INPUT -j ACCEPT|x',
    ]) assert.equal(parse(t).format, 'S', t);
    assert.equal(parse('-A INPUT -j ACCEPT || true', true).format, 'save');
  });
  it('YAML list items quoted whole are the command they quote, with spans in the original text', () => {
    const t = '  - "iptables -P FORWARD ACCEPT"';
    const r = parse(t);
    assert.equal(shape(r), 'command/policy/FORWARD');
    assert.equal(r.policy, 'ACCEPT');
    assert.deepEqual(r.chainSpan, { line: 0, start: t.indexOf('FORWARD'), end: t.indexOf('FORWARD') + 7 });
    assert.equal(shape(parse("- 'iptables -A INPUT -j DROP'")), 'command/rule/INPUT');
    assert.equal(shape(parse('-  "iptables -F"  ')), 'command/flush');
    assert.equal(shape(parse('- iptables -N X')), 'command/new-chain/X');
    assert.ok(parse('- "iptables -F\'').diagnostics.some((d) => d.code === 'syntax/unterminated-quote'));
  });
  it('the shell\'s `:` no-op outside a *table section is shell; inside one, `:` is a chain declaration', () => {
    assert.equal(parse(': "prepare" && {').format, 'command');
    assert.equal(parse(':').format, 'command');
    assert.equal(parse(':\tx').format, 'command');
    const decl = parse(':INPUT ACCEPT');
    assert.equal(shape(decl), 'S/chain/INPUT');
    assert.ok(decl.diagnostics.some((d) => d.severity === 'warning'));
    assert.equal(parse(': x', true).kind, 'invalid');
    assert.equal(parse(':', true).kind, 'invalid');
    assert.equal(shape(parse(':X - [0:0]', true)), 'save/chain/X');
  });
});

describe('a here-document body line ending in `\\\\` right before the delimiter', () => {
  it('ends the body there: the shell reads `\\\\` as one backslash, not a continuation, so the delimiter line is seen', () => {
    // bash: `cat <<EOT` / `iptables -A X \\` / `EOT` writes one line `iptables -A X \` and ends the here-document
    assert.deepEqual(ll('cat > f <<EOT\niptables -A X \\\\\nEOT\niptables -A Y\n').map((l) => (l as unknown[])[1]), ['cat > f <<EOT', 'iptables -A X  ', 'EOT', 'iptables -A Y']);
  });
});

describe("a program's string that opens with a table line (holdout 54: a Go test's iptables-save constants)", () => {
  it('outside a section it opens the table; the parser state and the cache step agree', () => {
    for (const [line, table] of [['const v4 = `*filter', 'filter'], ['RULES = """*nat', 'nat'], ["rules = ['*mangle  ", 'mangle'], ['x := f(`*raw', 'raw']] as const) {
      const st = newLineState();
      const r = parseLogicalLine({ line: 0, text: line }, st);
      assert.equal(r.kind, 'table', line);
      assert.equal(r.table, table, line);
      assert.equal(st.table, table, line);
      assert.deepEqual(r.diagnostics, [], line);
      const step = newLineState();
      advanceLineState(line, step);
      assert.equal(step.table, table, line);
    }
  });
  it('not when the name is no table, the quote is not right before it, the string goes on, or a section is open', () => {
    for (const line of ['x = "*fil', 'x = "*filters"', 'x = "*filter" + y', 'x = "a *filter', 'x *filter', '`*filter', 'echo "*filter']) {
      const st = newLineState();
      assert.notEqual(parseLogicalLine({ line: 0, text: line }, st).kind, 'table', line);
      assert.equal(st.table, undefined, line);
      const step = newLineState();
      advanceLineState(line, step);
      assert.equal(step.table, undefined, line);
    }
    // inside a section the line is that section's (no new table), for the parser and the cache step alike
    const st = newLineState();
    st.table = 'nat';
    assert.notEqual(parseLogicalLine({ line: 0, text: 'const v6 = `*filter' }, st).kind, 'table');
    assert.equal(st.table, 'nat');
    const step = newLineState();
    step.table = 'nat';
    advanceLineState('const v6 = `*filter', step);
    assert.equal(step.table, 'nat');
  });
});
