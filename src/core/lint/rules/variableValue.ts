/** syntax/variable-value: a shell variable's value, put in its place, is an interface name iptables refuses. */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import { add } from '../pass';
import { instancesIn } from '../shellValues';
import { IFNAMSIZ } from '../../iptables/interfaceName';


/** One plain word longer than an interface name can be (a value that is not one word is a misreading of the script: not judged). */
function tooLong(value: string): boolean {
  return value.length > IFNAMSIZ && /^[\w.+-]+$/.test(value);
}

/** An interface written as a shell variable (`-i "$BRIDGE"`) in a rule that adds (a delete of such a rule fails too, but deletes nothing that was there: not reported). */
function judged(rule: Rule): boolean {
  return rule.op !== 'D' && (!!rule.inInterface?.value.includes('$') || !!rule.outInterface?.value.includes('$'));
}

export const variableValue: LintRule = {
  code: 'syntax/variable-value',
  severity: 'error',
  description: 'A shell variable whose one literal value (set in the script, or its `${NAME:-default}`) is too long for the interface name `-i`/`-o` gives it: iptables refuses the rule.',
  docs: 'A rule written with `-i "$NET"` is checked with the value the script gives the variable (`NAME=value`, the default of `NAME="${NAME:-value}"`): a compose network name used as an interface (`academy-cpp-executor_default` is 28 characters; interface names have at most 15, the bridge is `br-<id>`) is refused by iptables ("must be shorter than IFNAMSIZ (15)"), so the rule is never added (and `set -e` stops the script). Judged only when every variable of the rule has one literal value in the script; a delete (`-D`) is not reported.',
  appliesTo: judged,
  check(p, rules) {
    for (const { rule } of rules) {
      if (!judged(rule)) continue;
      const inst = instancesIn(p.ruleset, rule);
      if (!inst || !inst.certain) continue;
      for (const key of ['inInterface', 'outInterface'] as const) {
        const written = rule[key];
        if (!written?.value.includes('$')) continue;
        const value = inst.rules.map((r) => r[key]?.value ?? '').find(tooLong);
        if (value === undefined) continue;
        add(p, 'syntax/variable-value', 'error', `With the script's value of ${written.value}, the interface name "${value}" is longer than ${IFNAMSIZ} characters: iptables refuses the rule ("must be shorter than IFNAMSIZ (15)"), so it is never added. A Docker network's bridge is named br-<id> (or set com.docker.network.bridge.name).`, written.span);
        break; // one refusal says the rule is never added
      }
    }
  },
};
