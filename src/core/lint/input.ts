/**
 * What the pasted text is: which table `-S` lines belong to when there is no `*table` line (`iptables -t nat -S`
 * output), whether it is an `-nL` listing and whether that listing has interface columns (-v).
 */
import type { TableName } from '../iptables/model';
import { continuedOnNextLine, isListing } from '../iptables/parse';

const POLICY_SETS: [TableName, string[]][] = [
  ['mangle', ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']],
  ['nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']],
  ['raw', ['PREROUTING', 'OUTPUT']],
  ['filter', ['INPUT', 'FORWARD', 'OUTPUT']],
];
const NAT_TARGETS = /\s-j\s+(DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP|DOCKER_OUTPUT|DOCKER_POSTROUTING)\b/;
const MANGLE_TARGETS = /\s-j\s+(MARK|TPROXY|TTL|TOS|DSCP|TCPMSS|CONNMARK|CHECKSUM)\b/;
const RAW_TARGETS = /\s-j\s+(CT|NOTRACK)\b/;
const FILTER_ONLY = /\s-j\s+(REJECT|DOCKER-USER|DOCKER-ISOLATION-STAGE-\d|DOCKER-FORWARD)\b|^-A FORWARD\b/;
const NAT_CHAINS = /^-A (PREROUTING|POSTROUTING|DOCKER_OUTPUT|DOCKER_POSTROUTING|DOCKER-INGRESS)\b/;

/** Some line of the text is a `*table` line (only lines with a `*` are looked at: a re-lint of a large file pays little). */
function hasTableLine(text: string): boolean {
  for (let at = text.indexOf('*'); at >= 0; at = text.indexOf('*', at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const nl = text.indexOf('\n', at);
    if (/^\*[a-z]+$/.test(text.slice(start, nl < 0 ? text.length : nl).trim())) return true;
  }
  return false;
}

/** The table of the text's `-S` lines, when the text says it without a `*table` line; undefined = filter / unknown. */
export function inferTable(text: string): TableName | undefined {
  if (hasTableLine(text)) return undefined;
  const lines = text.split('\n').map((l) => l.trim());
  // (`- iptables …`: a YAML or Markdown list item, a command; `-A …`, `--append …`: a rule line; `    -j MASQUERADE`
  // after a line ending in `\`: the rest of a command)
  const sLines = lines.filter((l, i) => /^-[-A-Za-z]/.test(l) && !continuedOnNextLine(lines[i - 1] ?? ''));
  if (sLines.length === 0) return undefined;
  const policies = new Set(sLines.map((l) => /^-P (\S+)/.exec(l)?.[1]).filter((x): x is string => !!x));
  if (policies.size) {
    for (const [table, chains] of POLICY_SETS) {
      if (chains.length === policies.size && chains.every((c) => policies.has(c))) return table === 'filter' ? undefined : table;
    }
  }
  if (sLines.some((l) => FILTER_ONLY.test(` ${l}`) || FILTER_ONLY.test(l))) return undefined;
  if (sLines.some((l) => NAT_TARGETS.test(` ${l}`)) || sLines.some((l) => NAT_CHAINS.test(l))) return 'nat';
  if (sLines.some((l) => MANGLE_TARGETS.test(` ${l}`))) return 'mangle';
  if (sLines.some((l) => RAW_TARGETS.test(` ${l}`))) return 'raw';
  return undefined;
}

/**
 * Several `-S` listings pasted one after the other (`iptables -t filter -S`, then `iptables -t nat -S`): each starts
 * with its table's policies. The 0-based first line and table of each, when there are two or more and no `*table`
 * line; otherwise undefined.
 */
export function tableSections(text: string): { start: number; table: TableName }[] | undefined {
  if (hasTableLine(text)) return undefined;
  if (!text.includes('-P ')) return evidenceSections(text);
  const lines = text.split('\n').map((l) => l.trim());
  const runs: { start: number; chains: Set<string> }[] = [];
  let open = false;
  for (let i = 0; i < lines.length; i++) {
    const m = /^-P (\S+) /.exec(lines[i]);
    if (m) {
      if (!open || runs[runs.length - 1].chains.has(m[1])) runs.push({ start: i, chains: new Set() });
      runs[runs.length - 1].chains.add(m[1]);
      open = true;
    } else if (lines[i] !== '' && !lines[i].startsWith('#')) open = false;
  }
  if (runs.length < 2) return undefined;
  const sections = runs.map((r) => ({ start: r.start, table: POLICY_SETS.find(([, c]) => c.length === r.chains.size && c.every((x) => r.chains.has(x)))?.[0] }));
  return sections.every((s) => s.table) ? sections.map((s) => ({ start: s.start, table: s.table as TableName })) : undefined;
}

/** The table of an `-nL` listing from its chain headers (PREROUTING + POSTROUTING → nat, with FORWARD → mangle). */
export function inferListingTable(text: string): TableName {
  const chains = new Set([...text.matchAll(/^Chain (\S+)/gm)].map((m) => m[1]));
  if (chains.has('PREROUTING') || chains.has('POSTROUTING')) {
    if (chains.has('FORWARD')) return 'mangle';
    if (!chains.has('INPUT') && !chains.has('POSTROUTING')) return 'raw';
    if (/\b(DNAT|SNAT|MASQUERADE|DOCKER)\b/.test(text) && !/\bMARK\b/.test(text)) return 'nat';
    return /\bMARK\b/.test(text) ? 'mangle' : 'nat';
  }
  return 'filter';
}

export { isListing };

/** The listing has no `in`/`out` columns (`-nL` without `-v`): interface conditions are unknown. */
export function listingWithoutInterfaces(text: string): boolean {
  const header = /^\s*(num\s+)?(pkts\s+bytes\s+)?target\s+prot\s+opt\s+(in\s+out\s+)?source/m.exec(text);
  return !!header && header[3] === undefined;
}

/**
 * What one `-S` line says of its table: a nat target or chain (`-j DNAT`, `-A POSTROUTING`), a DROP in PREROUTING
 * (Docker 28's raw rules for ports published on 127.0.0.1), a filter-only target or chain (`-A FORWARD`, `-j REJECT`,
 * `:DOCKER-USER`, an ACCEPT in DOCKER); undefined when the line fits several.
 */
function lineTable(l: string): TableName | undefined {
  if (/^:DOCKER-USER\b/.test(l) || FILTER_ONLY.test(l) || /^-A (INPUT|DOCKER-ISOLATION-STAGE-\d|DOCKER-USER)\b/.test(l) || /^-A DOCKER .*-j ACCEPT\b/.test(l)) return 'filter';
  if (/^-A PREROUTING\b.*\s-j DROP\b/.test(l) || RAW_TARGETS.test(` ${l}`)) return 'raw';
  if (NAT_TARGETS.test(` ${l}`) || NAT_CHAINS.test(l) || /^-A OUTPUT\b.*\s-j DOCKER\b/.test(l)) return 'nat';
  return undefined;
}

/**
 * `-S` lines of several tables pasted together without `*table` or `-P` lines (`iptables -t raw -S; iptables -t nat
 * -S` cut to their rules, an enumeration tool's dump): runs of lines, each of one table by what its lines say. Only
 * for texts of rule lines alone (no command line) where two tables or more are told apart; else undefined.
 */
function evidenceSections(text: string): { start: number; table: TableName }[] | undefined {
  // (one scan of the whole text first: a script of commands, the common case, splits nothing)
  if ((text.includes('iptables') && /^[ \t]*(?:sudo\s+)?\S*ip6?tables\s/m.test(text)) || !/^[ \t]*(?:\[\d+:\d+\]\s*)?-A /m.test(text)) return undefined;
  const lines = text.split('\n').map((l) => l.trim());
  const sections: { start: number; table: TableName }[] = [];
  lines.forEach((l, i) => {
    const t = lineTable(l.replace(/^\[\d+:\d+\]\s*/, ''));
    if (!t || sections[sections.length - 1]?.table === t) return;
    // the section starts after the blank or declaration lines that end the previous one
    let start = i;
    while (sections.length && start > 0 && (lines[start - 1] === '' || lines[start - 1].startsWith(':')) && !lines[start - 1].startsWith(':DOCKER-USER')) start--;
    sections.push({ start: sections.length ? start : 0, table: t });
  });
  return sections.length >= 2 ? sections : undefined;
}
