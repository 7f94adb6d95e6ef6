/**
 * A program's argv list over several lines (argvLists.ts), read as the one list it is. Each expected text is the list
 * as the program passes it, written from the languages' syntax before the code was run: elements are string
 * literals or expressions separated by commas, with blanks, line ends and comments (`#`, `//`) between them and an
 * optional comma before the closing bracket; the call that opens the list on the line above belongs to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandArgvLists } from '../../src/core/lint/argvLists';

const read = (lines: string[]) => {
  const out = expandArgvLists(lines.join('\n'));
  return out && { lines: out.text.split('\n'), rewritten: [...out.rewritten].sort((a, b) => a - b) };
};

test('the list is joined onto its binary\'s line with the call that opens it above; the lines it took are blank', () => {
  assert.deepEqual(read(['      await this.executeCommand([', '        "sudo", "iptables", "-I", "DOCKER-USER", "1", "-j", "DROP"', '      ]);', 'done()']), {
    lines: ['', '        await this.executeCommand(["sudo", "iptables", "-I", "DOCKER-USER", "1", "-j", "DROP"]', '', 'done()'],
    rewritten: [0, 1, 2],
  });
  // the opener with blanks after its bracket
  assert.deepEqual(read(['run([   ', '  "iptables", "-A", "X",', '  "-j", "DROP"])'])?.lines, ['', '  run(["iptables", "-A", "X", "-j", "DROP"]', '']);
});

test('the binary on the opener\'s own line: that line is the list\'s, the line above is not taken', () => {
  assert.deepEqual(read(['foo(', 'subprocess.run(["iptables", "-A", "X",', '    "-j", "DROP"], check=True)']), {
    lines: ['foo(', 'subprocess.run(["iptables", "-A", "X", "-j", "DROP"]', ''],
    rewritten: [1, 2],
  });
  // a line above that opens nothing (or goes on after its bracket) is not the list's
  assert.deepEqual(read(['x = 1', '  "iptables", "-A", "X",', '  "-j", "DROP")'])?.rewritten, [1, 2]);
  assert.deepEqual(read(['run([ # the rule', '  "iptables", "-A", "X",', '  "-j", "DROP")'])?.rewritten, [1, 2]);
});

test('comments between the elements, a comma before the bracket, expressions as elements, and each closing bracket', () => {
  assert.deepEqual(read(['exec.Command("iptables",', '\t"-A", "X", // then', '\t"-s", ip, # the admin', '\t"-j", "DROP",', ')'])?.lines, ['exec.Command("iptables", "-A", "X", "-s", ip, "-j", "DROP")', '', '', '', '']);
  assert.deepEqual(read(['t = {"iptables", "-A", cfg["chain"],', '  "--dport", str(port), "-j", "DROP"}'])?.lines, ['t = {"iptables", "-A", cfg["chain"], "--dport", str(port), "-j", "DROP"}', '']);
  assert.deepEqual(read(["cmd = ['iptables', '-A', 'X',", "  '-j', 'DROP']"])?.lines, ["cmd = ['iptables', '-A', 'X', '-j', 'DROP']", '']);
});

test('not joined: a list on one line, one that never closes, one with a spread, one longer than 30 lines, a text with no binary element', () => {
  assert.equal(read(['subprocess.run(["iptables", "-A", "X", "-j", "DROP"])']), undefined);
  assert.equal(read(['subprocess.run(["iptables", "-A", "X",', '  "-j", "DROP"']), undefined);
  assert.equal(read(['subprocess.run(["iptables", "-A", "X",', '  *args])']), undefined);
  assert.equal(read(['subprocess.run(["iptables", "-A", "X",', '  "-j" + "DROP"])']), undefined);
  const long = (n: number) => ['subprocess.run(["iptables",', ...Array.from({ length: n - 1 }, () => '  "-v",'), '  "-A", "X", "-j", "DROP"])'];
  assert.equal(read(long(30))?.rewritten.length, 31, 'the list\'s last line 30 lines below its binary: joined');
  assert.equal(read(long(31)), undefined, '31 lines below: left as written');
  assert.equal(read(['iptables -A X -j DROP', 'echo "iptables"']), undefined);
});

test('two lists are each joined; a list whose binary follows `sudo` is read once', () => {
  const text = ['a = run([', '  "sudo", "iptables", "-A", "X",', '  "-j", "DROP"])', 'b = run([', '  "iptables", "-A", "Y",', '  "-j", "ACCEPT"])'];
  assert.deepEqual(read(text)?.lines, ['', '  a = run(["sudo", "iptables", "-A", "X", "-j", "DROP"]', '', '', '  b = run(["iptables", "-A", "Y", "-j", "ACCEPT"]', '']);
});
