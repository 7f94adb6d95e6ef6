/** Small readers over the project's iptables model for the doctor's load-balancer and ingress checks. */
import { parseDumpText } from '../iptables/parse';
import type { Rule, TableName } from '../iptables/model';

/** The rules of one table: a listing or `-S` text of that table, or a whole `iptables-save` (its other tables left out). */
export function parseTable(text: string, table: TableName): Rule[] {
  return parseDumpText(text, { table }).rules.filter((r) => r.table === table);
}

export function matchArg(rule: Rule, option: string): string | undefined {
  for (const m of rule.matches) for (const o of m.options) if (o.name === option && !o.negated) return o.args[0];
  return undefined;
}

export function targetArg(rule: Rule, ...options: string[]): string | undefined {
  // Stryker disable next-line ArrayDeclaration: equivalent, a made-up entry has no option name the caller asks for
  for (const o of rule.target?.options ?? []) if (options.includes(o.name)) return o.args[0];
  return undefined;
}

/** The firewall mark a MARK rule sets (`--set-xmark 0x100/0xffffffff`, `--set-mark 256`, `MARK set 0x100`). */
export function markValue(rule: Rule): number | undefined {
  if (rule.target?.name !== 'MARK') return undefined;
  const v = targetArg(rule, 'set-xmark', 'set-mark');
  if (!v) return undefined;
  const n = Number(v.split('/')[0]);
  return Number.isInteger(n) ? n : undefined;
}

export function showRule(r: Rule): string {
  return r.text.trim();
}
