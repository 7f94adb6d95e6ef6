/**
 * Interface names as iptables takes them for `-i`/`-o` (one place for the limit: the parser and the lint rule on a
 * variable's value both ask here).
 */

/** iptables' limit for `-i`/`-o` (kernel: "interface name … must be shorter than IFNAMSIZ (15)"). */
export const IFNAMSIZ = 15;

// (module constants: a regular expression literal inside a function makes a new RegExp object on every call)
const SHELL_EXPANSION_IN_NAME = /\$[{(A-Za-z_0-9@*]/;
const WEIRD_CHARACTER = /[\s/]/;
const ADDRESS_WITH_PREFIX = /^[\d.]+\/\d+$/;

/**
 * What iptables 1.8.9 does with an interface name (kernel-checked): refuses one that is empty or longer than IFNAMSIZ
 * (an error; `.` and `..` are said to be one too, though iptables takes them: no interface has those names); adds one
 * with `/` or a blank with "Warning: weird character in interface", a rule that never matches (a warning). Undefined
 * for a usable name or a shell variable.
 */
export function interfaceNameProblem(name: string, base: 'i' | 'o'): { severity: 'error' | 'warning'; message: string } | undefined {
  // a shell expansion anywhere (`$IF`, `br-${NET}`, a template's `${{ iface }}`): the name is known only when it runs
  if (SHELL_EXPANSION_IN_NAME.test(name)) return undefined;
  if (name.length === 0 || name.length > IFNAMSIZ || name === '.' || name === '..') return { severity: 'error', message: `"${name}" is not a valid interface name (1-15 characters, no "/")` };
  if (!WEIRD_CHARACTER.test(name)) return undefined;
  const address = ADDRESS_WITH_PREFIX.test(name) ? `: an address belongs in ${base === 'i' ? '-s' : '-d'}` : '';
  return { severity: 'warning', message: `"${name}" can never be an interface name (no "/" or blank in one): iptables adds the rule with a warning, and it never matches${address}` };
}
