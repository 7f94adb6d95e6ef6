/** rules/interface-wildcard: `-i br-` / `-o veth*` meant as a wildcard: iptables only knows a trailing `+`. */
import type { BaseMatch, Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Pass } from '../pass';
import { add, isMine, replaceEdit } from '../pass';
import { asWritten } from '../../iptables/parse';
import { interfaceNameProblem } from '../../iptables/interfaceName';

const PREFIX_END = /[-_.*]$/;

/** A name that can only be meant as a prefix: ends in `-`, `_`, `.` or `*`. */
function meantAsPrefix(name: string): boolean {
  return PREFIX_END.test(name) && name.length > 1;
}

/** What is wrong with an interface condition written as a wildcard, list or negation; undefined when nothing. */
function problemOf(b: BaseMatch, base: 'i' | 'o'): { message: string; fixed?: string } | undefined {
  if (b.value.startsWith('!') && b.value.length > 1) {
    // kernel-checked (iptables 1.8.9): `-i !eth0` is added, with "!eth0" as the name (`-S` prints `-i !eth0`)
    const name = asWritten(b.value);
    return { message: `"${name}" is taken as an interface name, "!" included: it is not a negation (iptables reads "!" as one only before the option: ! -${base} ${name.slice(1)}), so the rule matches no packet.` };
  }
  if (b.value.includes('$')) return undefined;
  // kernel-checked: a name with `/` or a blank is added ("Warning: weird character in interface") and never matches
  const weird = interfaceNameProblem(b.value, base);
  if (weird?.severity === 'warning') return { message: weird.message };
  if (b.value.includes(',') && !b.negated) {
    // kernel-checked: `-i eth0,wlan0` is accepted and kept as one literal name
    return { message: `"${b.value}" is not a list: iptables takes one interface per -i/-o and compares this name literally, so the rule matches no packet. Write one rule per interface (${b.value.split(',').map((n) => `-${base} ${n}`).join(', ')}).` };
  }
  if (!meantAsPrefix(b.value)) return undefined;
  const fixed = `${b.value.replace(/\*$/, '')}+`;
  return { message: `"${b.value}" is compared literally: it matches only an interface named exactly "${b.value}". iptables' wildcard is a trailing +: ${fixed} matches every interface whose name starts with "${fixed.slice(0, -1)}".`, fixed };
}

/** The rule's interface conditions with what is wrong with each. */
function problemsOf(rule: Rule): { b: BaseMatch; message: string; fixed?: string }[] {
  const out: { b: BaseMatch; message: string; fixed?: string }[] = [];
  for (const [b, base] of [[rule.inInterface, 'i'], [rule.outInterface, 'o']] as const) {
    const problem = b ? problemOf(b, base) : undefined;
    if (b && problem) out.push({ b, ...problem });
  }
  return out;
}

function report(p: Pass, b: BaseMatch, message: string, fixed: string | undefined): void {
  // the fix only where the line holds the name as parsed (not a variable's value, not a quoted spelling)
  const text = p.lines[b.span.line]?.slice(b.span.start, b.span.end);
  const fixes = fixed !== undefined && p.kind === 'proposal' && text === b.value ? [{ title: `Use ${fixed} (prefix wildcard)`, edits: [replaceEdit(b.span, fixed)] }] : [];
  add(p, 'rules/interface-wildcard', 'warning', message, b.span, fixes);
}

export const interfaceWildcard: LintRule = {
  code: 'rules/interface-wildcard',
  severity: 'warning',
  description: '`-i br-` or `-o veth*` used as a wildcard, `-i eth0,wlan0` as a list, or `-i !eth0` as a negation: iptables matches that literal name; its wildcard is a trailing `+` (`br-+`), one interface per option, its negation `! -i eth0`.',
  docs: 'iptables compares interface names literally except for a trailing `+`, which matches any name with that prefix. `-i br-` matches only an interface named exactly "br-" and `-i br-*` one named "br-*": neither matches Docker\'s user-defined bridges `br-<12 hex>`; write `-i br-+`. A comma list (`-i eth0,wlan0`) is accepted and kept as one literal name that no interface has: write one rule per interface. So is `-i !eth0` (the old negation spelling): the name is "!eth0"; write `! -i eth0`.',
  appliesTo: (rule) => (!!rule.inInterface && problemOf(rule.inInterface, 'i') !== undefined) || (!!rule.outInterface && problemOf(rule.outInterface, 'o') !== undefined),
  check(p, rules) {
    for (const { rule } of rules) {
      if (!isMine(p, rule)) continue;
      for (const { b, message, fixed } of problemsOf(rule)) report(p, b, message, fixed);
    }
  },
};
