/**
 * "Run in namespace" without a node: splitting what the user typed (bash is the oracle: the argv bash would pass
 * is the expected answer), choosing the output language, the nsenter argv that reaches the runner, and the words
 * shown when a command fails (stderr texts as the real tools print them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { assertNamespaceName, isValidNamespaceName, namespacePath, nsenterArgv } from '../../src/core/netns';
import { commandFor, commandFromArgv, explainFailure, runInNamespace, splitCommandLine, USUAL_COMMANDS, type NsCommand } from '../../src/core/nsexec';
import type { CommandRunner, RunOptions, RunResult } from '../../src/core/transport/types';

/**
 * What bash passes as argv for each command line (no expansions in these inputs: no unquoted $, `, globs or
 * braces), all in one bash run: each line's words (NUL-ended) follow a "\x01\0" marker. A line ending in a
 * backslash runs on its own (followed by the next line, its backslash would join the two).
 */
function bashArgvs(lines: readonly string[]): string[][] {
  const script = lines.map((l) => `printf '\\001\\0'; printf '%s\\0' ${l}`).join('\n');
  const words = execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
  const argvs: string[][] = [];
  for (const w of words) {
    if (w === '\x01') argvs.push([]);
    else argvs[argvs.length - 1].push(w);
  }
  assert.equal(argvs.length, lines.length);
  return argvs;
}

const TYPED = [
  'iptables -t nat -S',
  '  iptables   -nvL  DOCKER-USER ',
  'iptables -m comment --comment "allow web"',
  'iptables -m comment --comment \'it"s\'',
  'a "say \\"hi\\"" b',
  '"back\\\\slash" x',
  '"a\\b"',
  "'a\\b'",
  'a\\ b c',
  'a\\"b',
  "\"\" '' x",
  'x ""',
  'tab\there',
  'a"b"c',
  "it\\'s",
  'a \\\n b',
  '"x\\\ny"',
  'end\\',
  '"\\$HOME"',
  '\\x y',
  'a\\\nb',
];

test(`splitCommandLine gives the argv bash gives for ${TYPED.length} typed command lines`, () => {
  const joined = TYPED.filter((l) => !l.endsWith('\\'));
  const batch = bashArgvs(joined);
  const expected = TYPED.map((l) => (l.endsWith('\\') ? bashArgvs([l])[0] : batch[joined.indexOf(l)]));
  TYPED.forEach((line, i) => assert.deepEqual(splitCommandLine(line), expected[i], JSON.stringify(line)));
});

test('splitCommandLine: escapes inside double quotes, literal single quotes, empty words, unclosed quotes', () => {
  assert.deepEqual(splitCommandLine('echo "a \\"quoted\\" word"'), ['echo', 'a "quoted" word']);
  assert.deepEqual(splitCommandLine('"\\\\"'), ['\\']);
  assert.deepEqual(splitCommandLine("'\\\"'"), ['\\"']);
  assert.deepEqual(splitCommandLine('"" x'), ['', 'x']);
  assert.deepEqual(splitCommandLine(''), []);
  assert.deepEqual(splitCommandLine('a\nb'), ['a', 'b'], 'a newline separates words');
  assert.deepEqual(splitCommandLine('\\-S'), ['-S'], 'an escaped first character starts a word');
  assert.deepEqual(splitCommandLine('   '), []);
  assert.throws(() => splitCommandLine('iptables "-S'), /unclosed " quote/);
  assert.throws(() => splitCommandLine("iptables '-S"), /unclosed ' quote/);
});

/** The Debian package that provides each program (what the "not installed" message tells the user to install). */
const PACKAGE: Record<string, string> = { iptables: 'iptables', 'iptables-save': 'iptables', ipvsadm: 'ipvsadm', ip: 'iproute2', bridge: 'iproute2', conntrack: 'conntrack' };

test('the usual commands: label = argv joined, the language their argv gives, the package that provides the program', () => {
  assert.equal(USUAL_COMMANDS.length, 14);
  assert.equal(new Set(USUAL_COMMANDS.map((c) => c.label)).size, 14, 'no two alike');
  for (const c of USUAL_COMMANDS) {
    assert.equal(c.label, c.argv.join(' '));
    assert.ok(c.argv.every((a) => a !== ''), c.label);
    assert.equal(c.tool, PACKAGE[c.argv[0]], c.label);
    const lang = c.argv[0] === 'conntrack' ? 'plaintext' : { iptables: /-S$/.test(c.label) ? 'iptables' : 'iptables-list', 'iptables-save': 'iptables', ipvsadm: 'ipvsadm', ip: 'iproute', bridge: 'bridge-fdb' }[c.argv[0]];
    assert.equal(c.language, lang, c.label);
  }
  assert.deepEqual(USUAL_COMMANDS.map((c) => c.label), [
    'iptables -t nat -S', 'iptables -t mangle -S', 'iptables -S', 'iptables-save', 'iptables -t nat -nvL', 'iptables -t mangle -nvL', 'iptables -nvL',
    'ipvsadm -ln', 'ip -d link', 'ip addr', 'ip route', 'ip neigh', 'bridge fdb show', 'conntrack -L',
  ]);
});

test('commandFor: a usual command by its label (spaces trimmed), anything else split and typed', () => {
  for (const c of USUAL_COMMANDS) assert.equal(commandFor(` ${c.label} `), c);
  const typed = commandFor('iptables -t filter -nvL FORWARD');
  assert.deepEqual(typed, { label: 'iptables -t filter -nvL FORWARD', argv: ['iptables', '-t', 'filter', '-nvL', 'FORWARD'], language: 'iptables-list', tool: 'iptables' });
  assert.equal(commandFor('ipvsadm  -ln').label, 'ipvsadm -ln', 'typed argv equal to a usual command is that command');
  assert.equal(commandFor('ipvsadm  -ln').tool, 'ipvsadm');
});

test('commandFromArgv: the language of the output decides the grammar', () => {
  const lang = (...argv: string[]) => commandFromArgv(argv).language;
  assert.equal(lang('iptables-save', '-t', 'nat'), 'iptables');
  assert.equal(lang('iptables', '-t', 'raw', '-S'), 'iptables');
  assert.equal(lang('iptables', '-L', '-n'), 'iptables-list');
  assert.equal(lang('iptables', '-t', 'raw', '-vnL'), 'iptables-list');
  assert.equal(lang('iptables', '-t', 'nat', '-x'), 'plaintext', 'no -S and no -L: plain text');
  assert.equal(lang('iptables', 'x-L'), 'plaintext', 'an L inside another word is no listing option');
  assert.equal(lang('ipvsadm', '-Ln', '--stats'), 'ipvsadm');
  assert.equal(lang('bridge', 'fdb', 'show', 'dev', 'vxlan0'), 'bridge-fdb');
  assert.equal(lang('ip', '-4', 'addr'), 'iproute');
  assert.equal(lang('ss', '-tlnp'), 'plaintext');
  assert.equal(lang('ss', '-S'), 'plaintext', '-S means rules only for iptables');
  const c = commandFromArgv(['ss', '-tlnp']);
  assert.deepEqual(c, { label: 'ss -tlnp', argv: ['ss', '-tlnp'], language: 'plaintext', tool: 'ss' });
  assert.throws(() => commandFromArgv([]), /empty command/);
  assert.equal(commandFromArgv(['ip', 'route']), USUAL_COMMANDS.find((u) => u.label === 'ip route'));
});

const ok: RunResult = { stdout: 'out\n', stderr: '', code: 0, timedOut: false, truncated: false, durationMs: 5 };
const cmd = (argv: string[], tool = argv[0]): NsCommand => ({ label: argv.join(' '), argv, language: 'plaintext', tool });

test('explainFailure: each real failure gets the words an operator can act on', () => {
  const nat = commandFor('iptables -t nat -S');
  assert.equal(explainFailure(nat, ok), undefined);
  assert.equal(explainFailure(nat, { ...ok, code: null, timedOut: true, durationMs: 15000 }), 'iptables -t nat -S: timed out after 15000 ms.');
  assert.equal(explainFailure(nat, { ...ok, code: null, truncated: true }), 'iptables -t nat -S: output exceeded the cap and was cut.');
  assert.equal(explainFailure(nat, { ...ok, code: 0, timedOut: true, durationMs: 9 }), 'iptables -t nat -S: timed out after 9 ms.', 'a timeout wins over the code');
  const missing = /^ipvsadm is not installed on this node \(ipvsadm: command not found\)\. Install it \(e\.g\. apt-get install ipvsadm\)/;
  const ipvs = commandFor('ipvsadm -ln');
  assert.match(explainFailure(ipvs, { ...ok, code: 127, stderr: '' }) ?? '', missing);
  assert.match(explainFailure(ipvs, { ...ok, code: 1, stderr: 'bash: line 1: ipvsadm: command not found' }) ?? '', missing);
  assert.match(explainFailure(ipvs, { ...ok, code: 1, stderr: 'nsenter: failed to execute ipvsadm: No such file or directory' }) ?? '', missing);
  assert.match(explainFailure(ipvs, { ...ok, code: 2, stderr: 'Can\'t initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?' }) ?? '', /^IPVS is not available in this kernel/);
  assert.equal(explainFailure(commandFor('iptables -S'), { ...ok, code: 2, stderr: 'Protocol not available' }), 'iptables -S exited with code 2.', 'only ipvsadm means IPVS');
  const ct = commandFor('conntrack -L');
  assert.equal(explainFailure(ct, { ...ok, code: 1, stderr: 'conntrack v1.4.6 (conntrack-tools): Operation failed: Protocol not supported' }), 'conntrack netlink is not available in this kernel (nf_conntrack_netlink).');
  assert.equal(explainFailure(commandFor('ip route'), { ...ok, code: 1, stderr: 'Protocol not supported' }), 'ip route exited with code 1.');
  assert.equal(explainFailure(nat, { ...ok, code: 1, stderr: 'nsenter: cannot open /var/run/docker/netns/x: Permission denied' }), 'iptables -t nat -S: permission denied. Entering a network namespace needs root (or sudo without a password).');
  assert.match(explainFailure(nat, { ...ok, code: 4, stderr: 'iptables v1.8.7 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)' }) ?? '', /permission denied/);
  assert.match(explainFailure(nat, { ...ok, code: 1, stderr: 'nsenter: reassociate to namespace \'ns/net\' failed: Operation not permitted' }) ?? '', /permission denied/);
  assert.equal(explainFailure(nat, { ...ok, code: 1, stderr: 'nsenter: cannot open /var/run/docker/netns/1-abc: No such file or directory' }), 'The namespace no longer exists on this node (the task or network may have been removed). Refresh the node.');
  assert.equal(explainFailure(cmd(['ss', '-x']), { ...ok, code: 3, stderr: 'whatever' }), 'ss -x exited with code 3.');
});

class FakeRunner implements CommandRunner {
  readonly description = 'fake';
  calls: { argv: readonly string[]; opts?: RunOptions }[] = [];
  constructor(private readonly result: RunResult) {}
  async run(argv: readonly string[], opts?: RunOptions): Promise<RunResult> {
    this.calls.push({ argv, opts });
    return this.result;
  }
  async close(): Promise<void> {}
}

test('runInNamespace: the runner receives the nsenter argv and the signal; success returns stdout as is', async () => {
  const r = new FakeRunner(ok);
  const ac = new AbortController();
  const out = await runInNamespace(r, 'ingress_sbox', commandFor('iptables -t nat -S'), { signal: ac.signal });
  assert.deepEqual(r.calls.map((c) => c.argv), [['nsenter', '--net=/var/run/docker/netns/ingress_sbox', '--', 'iptables', '-t', 'nat', '-S']]);
  assert.equal(r.calls[0].opts?.signal, ac.signal);
  assert.deepEqual(out, { text: 'out\n', ok: true, result: ok });
  const host = new FakeRunner(ok);
  await runInNamespace(host, undefined, commandFor('ip route'));
  assert.deepEqual(host.calls[0].argv, ['ip', 'route']);
});

test('runInNamespace: a failure becomes comment lines (the explanation, then stderr), then any stdout', async () => {
  const bad: RunResult = { stdout: 'partial\n', stderr: 'line one\nline two\n', code: 5, timedOut: false, truncated: false, durationMs: 1 };
  const out = await runInNamespace(new FakeRunner(bad), 'host', cmd(['ss']));
  assert.deepEqual(out, { text: '# ss exited with code 5.\n# line one\n# line two\npartial\n\n', ok: false, result: bad });
  const quiet = await runInNamespace(new FakeRunner({ ...bad, stdout: '  \n', stderr: ' ' }), 'host', cmd(['ss']));
  assert.equal(quiet.text, '# ss exited with code 5.\n');
  await assert.rejects(runInNamespace(new FakeRunner(ok), '../etc', cmd(['ss'])), /refused namespace name "\.\.\/etc": not a plain name under \/var\/run\/docker\/netns/);
});

test('namespace names: the length bound, the first character, and the path', () => {
  assert.equal(isValidNamespaceName('a'.repeat(64)), true);
  assert.equal(isValidNamespaceName('a'.repeat(65)), false);
  for (const bad of ['.hidden', '-x', '_x', 'x/', 'x..']) assert.equal(isValidNamespaceName(bad), false, bad);
  for (const good of ['a.b', 'a-b_c', '9x']) assert.equal(isValidNamespaceName(good), true, good);
  assert.equal(namespacePath('1-abc'), '/var/run/docker/netns/1-abc');
  assert.equal(assertNamespaceName('lb_x'), 'lb_x');
  assert.throws(() => assertNamespaceName(`${'y'.repeat(100)}/`), (e: Error) => e.message === `refused namespace name ${JSON.stringify('y'.repeat(80))}: not a plain name under /var/run/docker/netns`);
  assert.deepEqual(nsenterArgv('host', []), []);
});
