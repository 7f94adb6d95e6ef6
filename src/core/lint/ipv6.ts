/**
 * ip6tables lines: the IPv6 rule set. The IPv4 chains every judgment reads leave them out (IPv6 options and addresses
 * are not the IPv4 parser's to judge); the judgments that do not depend on addresses (a rule appended after Docker's
 * RETURN, an insert that lands above the exceptions) are made on the IPv6 lines alone: Docker ≥ 27 filters IPv6 by
 * default and creates DOCKER-USER there too, with the same final RETURN up to 28.2.1.
 */
import type { LineResult } from '../iptables/parse';
import { continuedOnNextLine } from '../iptables/parse';
import { scriptValues } from './shellValues';
import type { LintDiagnostic } from './types';

const IP6TABLES = /(?:^|[\s/;&|("'])ip6tables(?:-nft|-legacy)?\s/;
const IPTABLES = /(?:^|[\s/;&|(])iptables(?:-nft|-legacy)?\s/;

/**
 * The results without the rules of `ip6tables` command lines and of a script's IPv6 restore text, and without their
 * diagnostics: IPv6 options (--icmpv6-type, …) are not the IPv4 parser's to judge.
 */
export function withoutIpv6Rules(results: LineResult[]): LineResult[] {
  const v6 = new Set<LineResult>();
  let tables = 0;
  let ipv4Commands = false;
  for (const r of results) {
    // rules, and `-N`/`-F`/`-P` lines too: `ip6tables -N X` after `iptables -N X` is another family's chain (the parser
    // says which binary ran each command of a shell line: `iptables …; ip6tables …` are one of each)
    if (r.kind !== 'blank' && r.kind !== 'other' && r.format === 'command' && r.ipv6) v6.add(r);
    else if (r.kind === 'table') tables++;
    else if (r.rule && r.format === 'command') ipv4Commands = true;
  }
  // (one restore text and no command: nothing else for an IPv6 one to be kept apart from)
  if (tables > 1 || (tables === 1 && ipv4Commands)) for (const r of ipv6Sections(results, ipv4Commands)) v6.add(r);
  if (v6.size === 0) return results;
  return results.map((r) => (v6.has(r) ? { ...r, kind: 'other' as const, rule: undefined, diagnostics: r.diagnostics.filter((d) => SHAPE_ERRORS.has(d.code)) } : r));
}

/** `fe80::/10`, `::1`, `2001:db8:0:0:0:0:0:1`: two colons at least (an IPv4 address has none). */
const IPV6_ADDRESS = /^[0-9A-Fa-f:.]+(?:\/\d+)?$/;

function ipv6Address(v: string | undefined): boolean {
  return v !== undefined && v.indexOf(':') !== v.lastIndexOf(':') && IPV6_ADDRESS.test(v);
}

/** An IPv6 address or network, or ICMPv6: a rule only ip6tables takes. */
function ipv6Only(r: LineResult): boolean {
  const rule = r.rule;
  if (!rule) return false;
  if (ipv6Address(rule.source?.value) || ipv6Address(rule.destination?.value)) return true;
  const proto = rule.protocol?.value;
  if (proto !== undefined && /^(?:icmpv6|ipv6-icmp)$/i.test(proto)) return true;
  for (const m of rule.matches) if (m.module === 'icmp6') return true;
  return false;
}

/**
 * A script's restore text for ip6tables-restore (a here-document it writes and loads with `ip6tables-restore`, a
 * program's string of ip6tables-save output): `*table` … `COMMIT` sections, one after another with nothing but blank
 * lines between them, of which one holds an IPv6 address or ICMPv6, in a text that also holds IPv4 rules. Read as IPv4
 * it would replace the tables the IPv4 text declared (holdout 54: the v4 section's jumps to chains the script made became
 * "unknown targets", the v6 chains "unused"). A text of IPv6 sections only (an ip6tables-save dump) keeps them.
 */
function ipv6Sections(results: LineResult[], ipv4Commands: boolean): LineResult[] {
  const texts: { lines: LineResult[]; v6: boolean }[] = [];
  let text: { lines: LineResult[]; v6: boolean } | undefined;
  let inSection = false;
  for (const r of results) {
    if (r.kind === 'table') {
      if (!text) texts.push((text = { lines: [], v6: false }));
      inSection = true;
    } else if (!inSection && r.kind !== 'blank') text = undefined;
    if (inSection && text) {
      text.lines.push(r);
      if (!text.v6 && ipv6Only(r)) text.v6 = true;
    }
    if (r.kind === 'commit') inSection = false;
  }
  const v6 = texts.filter((x) => x.v6);
  if (v6.length === 0 || (!ipv4Commands && v6.length === texts.length)) return [];
  return v6.flatMap((x) => x.lines);
}

/**
 * Errors of a command's shape, which ip6tables refuses as iptables does (three commands joined on one line: "Bad
 * argument `ip6tables'", holdout 26): kept on the IPv6 lines. Errors about values (addresses, ICMP types, targets'
 * options) are the IPv4 parser's reading and are not.
 */
const SHAPE_ERRORS = new Set(['syntax/unexpected-token', 'syntax/multiple-commands', 'syntax/multiple-targets', 'syntax/no-chain', 'syntax/unterminated-quote']);

/**
 * Judgments that hold for the IPv6 rule set as they do for IPv4, whatever the addresses (a conntrack original-tuple
 * match takes the replies in both families; an ACCEPT of everything in DOCKER-USER skips Docker's rules in both).
 */
const FAMILY_NEUTRAL = new Set(['docker-user/after-return', 'rules/insert-order', 'docker-user/ctorig-without-ctdir', 'docker-user/accept-all']);

/** A variable named for the ip6tables binary (`$IP6TABLES`, `${ipt6}`), as the parser reads a binary's name. */
const IP6_VARIABLE = /\$\{?\w*(?:ip6t|ipt6)\w*\}?/gi;

/**
 * The script's ip6tables lines as an IPv4 text of the same shape (other lines blank, `ip6tables` written `iptables `
 * so offsets stay), or undefined when it has none that touches DOCKER-USER.
 */
export function ipv6Script(text: string): string | undefined {
  if (!text.includes('ip6tables') || !/DOCKER-USER/.test(text)) return undefined;
  let any = false;
  // the lines an ip6tables command continues onto (`… \` newline `    -j DROP`) are its own
  let continues = false;
  const viaVariable = runsThroughVariable(text);
  const lines = text.split('\n').map((l) => {
    const mine = continues || (IP6TABLES.test(l) && !IPTABLES.test(l)) || !!viaVariable?.test(l);
    continues = mine && continuedOnNextLine(l);
    if (!mine && !/^\s*(?:[A-Za-z_]\w*=|for\s|done\b|do\b)/.test(l)) return '';
    any ||= mine;
    // (in the loops and assignments kept too: the text is the IPv6 rule set's, it has no IPv6 lines of its own; a
    // variable named for ip6tables, `$IP6TABLES`, loses the 6 the parser reads as IPv6: `$IPxTABLES`, same length)
    return l.replace(/ip6tables(-nft|-legacy)?/g, (m) => `iptables${m.slice(9)} `).replace(IP6_VARIABLE, (m) => m.replace(/(?<=ip)6(?=t)|(?<=ipt)6/i, 'x'));
  });
  return any ? lines.join('\n') : undefined;
}

/**
 * A command run through a variable that holds ip6tables among its values (`for ipt in iptables ip6tables; do $ipt -F
 * DOCKER-USER; done`, holdout 48): it runs for the IPv6 rule set too (the variable's name says it is the binary, as
 * the parser reads it). A pattern for such command words, or undefined when the script has none.
 */
function runsThroughVariable(text: string): RegExp | undefined {
  if (!text.includes('$')) return undefined;
  const names: string[] = [];
  for (const [name, v] of scriptValues(text)) if (v !== 'unknown' && v.values.some((x) => /^(?:\S*\/)?ip6tables(?:-nft|-legacy)?$/.test(x))) names.push(name);
  return names.length ? new RegExp(`(?:^|[\\s;&|(])"?\\$\\{?(?:${names.join('|')})\\}?"?\\s`) : undefined;
}

/**
 * The IPv6 findings, from a lint of ipv6Script's text, said to be about ip6tables; not those the IPv4 lint already
 * made at the same place (a `$tool` loop's line runs for both families: one finding).
 */
export function ipv6Findings(diags: LintDiagnostic[], ipv4: LintDiagnostic[] = []): LintDiagnostic[] {
  const said = new Set(ipv4.map((d) => `${d.code} ${d.span.line}:${d.span.start}`));
  return diags.filter((d) => FAMILY_NEUTRAL.has(d.code) && d.severity !== 'info' && !said.has(`${d.code} ${d.span.line}:${d.span.start}`)).map((d) => ({ ...d, message: `ip6tables: ${d.message}`, fixes: [] }));
}
