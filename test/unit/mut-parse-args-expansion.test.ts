/**
 * A whole argument that is one shell expansion (src/core/iptables/ruleArgs.ts SHELL_EXPANSION): in a command line its
 * value is unknown here (a wrapper's `"$@"`, `iptables $line`), so it is not an unexpected argument; anything more
 * than one expansion, or in a restore file (no shell), still is. From how bash expands words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRules } from '../../src/core/iptables/parse';

const unexpected = (line: string): string[] => parseRules(line).diagnostics.filter((d) => d.code === 'syntax/unexpected-token').map((d) => d.message);

test('one expansion as a whole argument of a command line: unknown, not unexpected', () => {
  // (any parameter expansion: `${args[0]}`, `${rule/-A/-D}` (isolab's delete loop), `${x:-y}`; a command substitution)
  for (const arg of ['$line', '${line}', '"$@"', '$@', '${@}', '$*', '"${args[@]}"', '${args[*]}', '$1', '${10}', '$_rest2', '${args[0]}', '${rule/-A/-D}', '${RULE:-x}', '$(cat rule)']) {
    assert.deepEqual(unexpected(`iptables -A DOCKER-USER ${arg}`), [], arg);
  }
});

test('more than one expansion, text around it, or a restore line: unexpected as before', () => {
  for (const arg of ['$a$b', 'x$line', '$line-x', '$@x', '${args[@]', '$', '$-', '${}', '$1x', '${1a}', '$$']) {
    assert.notDeepEqual(unexpected(`iptables -A DOCKER-USER ${arg}`), [], arg);
  }
  // iptables-restore does no expansion: `$line` is a literal, unexpected argument
  assert.notDeepEqual(unexpected('*filter\n-A DOCKER-USER $line\nCOMMIT\n'), []);
});
