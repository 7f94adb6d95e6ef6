/**
 * The linter's warnings and errors on the real-world corpora and holdouts (test/fixtures/lint/**) do not change when
 * a text is written in another way that does not change what its rules do (scripts/lint-metamorphic.ts): CRLF line
 * ends, `sudo`, a path to the binary, `-w`, `-t filter`, `iptables-legacy`, long option names, quoted values, extra
 * blanks, a `2>/dev/null || true` tail, a trailing comment, indentation, a `$ ` prompt, a shebang, a Markdown fence,
 * save counters, a here-document writing rules.v4, the commands inside a function, an `if`, `sh -c "…"`, an
 * `ssh node <<'EOF'` here-document, a Makefile recipe, an Ansible `shell: |` block or `command:` tasks, cloud-init
 * runcmd items, a systemd unit's ExecStart= lines or a wg-quick PostUp list; a rules file indented as a Markdown code
 * block or written by cloud-init's write_files. Each input shape the blind holdouts first
 * met cost a cascade of false findings: this holds the shapes already met against each other. A finding that moves is
 * listed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REWRITES, files, metamorphicDiffs } from '../../scripts/lint-metamorphic';

const CORPORA = join(__dirname, '..', 'fixtures', 'lint');

test('every rewrite that keeps what the rules do keeps every warning and error, on every real-world text it applies to', { timeout: 120_000 }, () => {
  const paths = files(CORPORA);
  const { diffs, applied } = metamorphicDiffs(paths);
  const moved = diffs.map((d) => `${d.rewrite} ${d.file.slice(CORPORA.length + 1)}: lost [${d.lost.join('; ')}] gained [${d.gained.join('; ')}]`);
  assert.deepEqual(moved, []);
  // not vacuous: each rewrite met a good share of the corpora (the config-file ones need texts of plain commands only)
  for (const rw of REWRITES) assert.ok((applied.get(rw.name) ?? 0) >= 50, `${rw.name} applied to ${applied.get(rw.name) ?? 0} files`);
  assert.ok(paths.length >= 600);
});

test('the rewrites change the text (a rewrite that gives the text back unchanged would prove nothing)', () => {
  const sample = 'iptables -A DOCKER-USER -i eth0 -p tcp -s 10.0.0.0/8 --dport 80 -j DROP\n';
  for (const rw of REWRITES.filter((r) => !['counters', 'heredoc-rules', 'heredoc-substitution', 'indent-save', 'write-files'].includes(r.name))) {
    const r = rw.apply(sample);
    assert.ok(r, rw.name);
    assert.notEqual(r.text, sample, rw.name);
  }
  const save = '# form: save\n*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n';
  assert.equal(REWRITES.find((r) => r.name === 'counters')?.apply(save)?.text, '# form: save\n*filter\n:DOCKER-USER - [0:0]\n[0:0] -A DOCKER-USER -j RETURN\nCOMMIT\n');
  assert.match(REWRITES.find((r) => r.name === 'heredoc-rules')?.apply(save)?.text ?? '', /^cat > \/etc\/iptables\/rules.v4 <<'EOF'\n# form: save\n/);
  assert.equal(REWRITES.find((r) => r.name === 'indent-save')?.apply(save)?.text, '    # form: save\n    *filter\n    :DOCKER-USER - [0:0]\n    -A DOCKER-USER -j RETURN\n    COMMIT\n');
  assert.match(REWRITES.find((r) => r.name === 'write-files')?.apply(save)?.text ?? '', /^#cloud-config\nwrite_files:\n {2}- path: \/etc\/iptables\/rules.v4\n {4}content: \|\n {6}# form: save\n {6}\*filter\n[^]*\n {6}COMMIT\n\nruncmd:\n/);
  assert.equal(REWRITES.find((r) => r.name === 'variable-binary')?.apply('#!/bin/sh\niptables -I DOCKER-USER -j DROP\n')?.text, '#!/bin/sh\nIPTABLES=/usr/sbin/iptables\nIP6TABLES=/usr/sbin/ip6tables\n$IPTABLES -I DOCKER-USER -j DROP\n');
  assert.match(REWRITES.find((r) => r.name === 'heredoc-substitution')?.apply(save)?.text ?? '', /^rules="\$\(cat <<'EOF'\n# form: save\n[^]*\nEOF\n\)"\necho "\$rules" \| iptables-restore\n$/);
});
