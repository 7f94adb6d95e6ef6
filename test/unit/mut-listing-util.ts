/** Shared by the -nvL reader tests on kernel captures (not a test file itself). */
import assert from 'node:assert/strict';
import { parseDumpText } from '../../src/core/iptables/parse';
import { parseIptablesList } from '../../src/core/iptables/parseList';
import type { Rule, Ruleset } from '../../src/core/iptables/model';

/** A rule's matches as one comparable line: module[!option=args …] …. */
export const shape = (r: Rule): string => r.matches.map((m) => `${m.module}[${m.options.map((o) => `${o.negated ? '!' : ''}${o.name}=${o.args.join(' ')}`).join(' ')}]`).join(' ');

/** A capture of one filter chain read both ways: `iptables -S` text and `iptables -nvL` text. */
export function readBoth(S: string, NVL: string): { fromS: Ruleset; fromL: Ruleset } {
  return { fromS: parseDumpText(`*filter\n${S}COMMIT\n`), fromL: parseIptablesList(NVL, 'filter') };
}

/** Both forms read without a diagnostic, with `n` rules each. */
export function assertCleanReads(fromS: Ruleset, fromL: Ruleset, n: number): void {
  assert.deepEqual(fromS.diagnostics.map((d) => d.message), []);
  assert.deepEqual(fromL.diagnostics.map((d) => d.message), []);
  assert.equal(fromS.rules.length, n);
  assert.equal(fromL.rules.length, n);
}

/** Rule for rule, the -nvL reading has the -S reading's matches (`fix` adjusts the -S shape for what -nvL prints otherwise). */
export function assertSameMatches(fromS: Ruleset, fromL: Ruleset, fix: (shape: string) => string = (s) => s): void {
  for (let i = 0; i < fromS.rules.length; i++) assert.equal(shape(fromL.rules[i]), fix(shape(fromS.rules[i])), `rule ${i + 1}: ${fromS.rules[i].text}`);
}
