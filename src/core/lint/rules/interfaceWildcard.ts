/** rules/interface-wildcard: `-i br-` / `-o veth*` meant as a wildcard: iptables only knows a trailing `+`. */
import type { LintRule } from '../rule';
import { add, isMine, replaceEdit } from '../pass';
import { asWritten } from '../../iptables/parse';
import { interfaceNameProblem } from '../../iptables/interfaceName';

/** A name that can only be meant as a prefix: ends in `-`, `_`, `.` or `*`. */
function meantAsPrefix(name: string): boolean {
  return /[-_.*]$/.test(name) && name.length > 1;
}

export const interfaceWildcard: LintRule = {
  code: 'rules/interface-wildcard',
  severity: 'warning',
  description: '`-i br-` or `-o veth*` used as a wildcard, `-i eth0,wlan0` as a list, or `-i !eth0` as a negation: iptables matches that literal name; its wildcard is a trailing `+` (`br-+`), one interface per option, its negation `! -i eth0`.',
  docs: 'iptables compares interface names literally except for a trailing `+`, which matches any name with that prefix. `-i br-` matches only an interface named exactly "br-" and `-i br-*` one named "br-*": neither matches Docker\'s user-defined bridges `br-<12 hex>`; write `-i br-+`. A comma list (`-i eth0,wlan0`) is accepted and kept as one literal name that no interface has: write one rule per interface. So is `-i !eth0` (the old negation spelling): the name is "!eth0"; write `! -i eth0`.',
  check(p) {
    for (const { rule } of p.doc) {
      if (!isMine(p, rule)) continue;
      for (const b of [rule.inInterface, rule.outInterface]) {
        const base = b === rule.inInterface ? 'i' : 'o';
        if (b && b.value.startsWith('!') && b.value.length > 1) {
          // kernel-checked (iptables 1.8.9): `-i !eth0` is added, with "!eth0" as the name (`-S` prints `-i !eth0`)
          const name = asWritten(b.value);
          add(p, 'rules/interface-wildcard', 'warning', `"${name}" is taken as an interface name, "!" included: it is not a negation (iptables reads "!" as one only before the option: ! -${base} ${name.slice(1)}), so the rule matches no packet.`, b.span);
          continue;
        }
        if (!b || b.value.includes('$')) continue;
        // kernel-checked: a name with `/` or a blank is added ("Warning: weird character in interface") and never matches
        const weird = interfaceNameProblem(b.value, base);
        if (weird?.severity === 'warning') {
          add(p, 'rules/interface-wildcard', 'warning', weird.message, b.span);
          continue;
        }
        if (b.value.includes(',') && !b.negated) {
          // kernel-checked: `-i eth0,wlan0` is accepted and kept as one literal name
          add(p, 'rules/interface-wildcard', 'warning', `"${b.value}" is not a list: iptables takes one interface per -i/-o and compares this name literally, so the rule matches no packet. Write one rule per interface (${b.value.split(',').map((n) => `-${base} ${n}`).join(', ')}).`, b.span);
          continue;
        }
        if (!meantAsPrefix(b.value)) continue;
        const fixed = `${b.value.replace(/\*$/, '')}+`;
        const text = p.lines[b.span.line]?.slice(b.span.start, b.span.end);
        const fixes = p.kind === 'proposal' && text === b.value ? [{ title: `Use ${fixed} (prefix wildcard)`, edits: [replaceEdit(b.span, fixed)] }] : [];
        add(p, 'rules/interface-wildcard', 'warning', `"${b.value}" is compared literally: it matches only an interface named exactly "${b.value}". iptables' wildcard is a trailing +: ${fixed} matches every interface whose name starts with "${fixed.slice(0, -1)}".`, b.span, fixes);
      }
    }
  },
};
