/**
 * Gathers what the tracer needs from a live node in one round trip: `iptables-save -c` and `ipset save` in the
 * host namespace, and `iptables-save -c` + `ipvsadm -Ln` in each requested Docker network namespace (through
 * `nsenter --net=/var/run/docker/netns/<ns>`). The script is a constant; namespace names are passed as
 * arguments, validated here (`^[A-Za-z0-9_.-]+$`, no `..`) and again by the script. "Protocol not available"
 * from ipvsadm is kept as a fact (IPVS absent in this kernel), not an error.
 */
import { randomBytes } from 'node:crypto';
import { excerpt, type Diagnostic } from '../diagnostics';
import { NETNS_DIR } from '../model';
import { classifyIpvsFailure } from '../parsers/ipvsadm';
import type { CommandRunner, RunOptions } from '../transport/types';
import type { NamespaceDumps } from '../trace/types';
import { parseIpsetSave as parseIpsetText } from '../iptables/matches/ipset';
import type { IpSet } from '../iptables/matches/types';

const NS_NAME = /^[A-Za-z0-9_.-]+$/;

export function isSafeNamespaceName(n: string): boolean {
  return NS_NAME.test(n) && !n.includes('..') && !n.startsWith('.') && n.length <= 64;
}

/** Constant script; $1 = marker nonce, $2.. = namespace names. */
export const RULES_SCRIPT = `M="@@$1"; shift
sec() { printf '\\n%s %s\\n' "$M" "$*"; }
sec host iptables; iptables-save -c 2>&1; sec rc $?
sec host ipset; ipset save 2>&1; sec rc $?
for n in "$@"; do
  case "$n" in *[!A-Za-z0-9_.-]*|*..*|.*|'') sec badname; continue;; esac
  f=${NETNS_DIR}/$n
  [ -e "$f" ] || { sec ns "$n" missing; continue; }
  sec ns "$n" iptables; nsenter --net="$f" -- iptables-save -c 2>&1; sec rc $?
  sec ns "$n" ipvs; nsenter --net="$f" -- ipvsadm -Ln 2>&1; sec rc $?
done
sec end
`;

export interface GatheredRules {
  /** Dumps per namespace ("host" for the root namespace), ready for a TraceScenario. */
  namespaces: Record<string, NamespaceDumps>;
  /** Facts worth telling the user: "IPVS absent in this kernel", "ipset not installed", ... */
  facts: string[];
  complete: boolean;
  diagnostics: Diagnostic[];
  roundTrips: number;
}

/** Parses `ipset save` output into set → type and entries (with their nomatch flags): src/core/iptables/matches/ipset.ts. */
export function parseIpsetSave(text: string): Record<string, IpSet> {
  // set names come from the node: a Map, then own properties, so "constructor" or "__proto__" are names like any other
  return Object.fromEntries(parseIpsetText(text));
}

interface Section {
  ns: string;
  what: string;
  body: string[];
  rc?: number;
}

export function splitRulesOutput(text: string, nonce: string, diagnostics: Diagnostic[]): { sections: Section[]; complete: boolean; missing: string[]; badNames: number } {
  const marker = `@@${nonce} `;
  const sections: Section[] = [];
  const missing: string[] = [];
  let badNames = 0;
  let complete = false;
  let cur: Section | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(marker)) {
      if (cur) cur.body.push(line);
      else if (line.trim()) diagnostics.push({ severity: 'warning', source: 'gather rules', message: 'output before the first section', excerpt: excerpt(line) });
      continue;
    }
    const w = line.slice(marker.length).trim().split(/\s+/);
    if (w[0] === 'rc' && cur) {
      cur.rc = Number(w[1]);
      cur = undefined;
    } else if (w[0] === 'host' && w[1]) {
      cur = { ns: 'host', what: w[1], body: [] };
      sections.push(cur);
    } else if (w[0] === 'ns' && w[1] && w[2] === 'missing') {
      missing.push(w[1]);
      cur = undefined;
    } else if (w[0] === 'ns' && w[1] && w[2]) {
      cur = { ns: w[1], what: w[2], body: [] };
      sections.push(cur);
    } else if (w[0] === 'badname') {
      badNames++;
      cur = undefined;
    } else if (w[0] === 'end') {
      complete = true;
      cur = undefined;
    }
  }
  return { sections, complete, missing, badNames };
}

/** Gathers rules for the host and the given namespaces (names that are not plain are refused, not sent). */
export async function gatherRules(runner: CommandRunner, namespaces: readonly string[], opts: RunOptions = {}): Promise<GatheredRules> {
  const diagnostics: Diagnostic[] = [];
  const facts: string[] = [];
  const safe = [...new Set(namespaces.filter((n) => n !== 'host'))].filter((n) => {
    if (isSafeNamespaceName(n)) return true;
    diagnostics.push({ severity: 'warning', source: 'gather rules', message: `refused namespace name ${JSON.stringify(n.slice(0, 80))}: not a plain name under ${NETNS_DIR}` });
    return false;
  });
  const nonce = randomBytes(8).toString('hex');
  const r = await runner.run(['sh', '-c', RULES_SCRIPT, 'sh', nonce, ...safe], opts);
  const split = splitRulesOutput(r.stdout, nonce, diagnostics);
  if (r.timedOut) diagnostics.push({ severity: 'error', source: 'gather rules', message: `timed out after ${r.durationMs} ms; rules are partial` });
  if (r.truncated) diagnostics.push({ severity: 'error', source: 'gather rules', message: 'output cap exceeded; rules are partial' });
  if (r.stderr.trim()) diagnostics.push({ severity: 'warning', source: 'gather rules', message: 'node printed errors', excerpt: excerpt(r.stderr) });
  for (const m of split.missing) diagnostics.push({ severity: 'warning', source: 'gather rules', message: `namespace ${m} no longer exists on the node` });
  if (split.badNames) diagnostics.push({ severity: 'warning', source: 'gather rules', message: `${split.badNames} namespace name(s) refused by the node script` });
  // namespace names come from the node: a Map (then own properties), never `out[name] ??=` on a plain object
  const out = new Map<string, NamespaceDumps>();
  const dumpsOf = (ns: string): NamespaceDumps => {
    let d = out.get(ns);
    if (!d) out.set(ns, (d = { rules: [] }));
    return d;
  };
  let ipvsAbsentSaid = false;
  for (const s of split.sections) {
    const body = s.body.join('\n').replace(/^\n/, '');
    const where = s.ns === 'host' ? 'host' : `ns ${s.ns}`;
    if (s.what === 'iptables') {
      if (s.rc !== 0 || (/command not found|No such file|not found/.test(body) && !body.includes('*filter'))) {
        diagnostics.push({ severity: 'error', source: `iptables-save (${where})`, message: `iptables-save failed (exit ${s.rc ?? '?'})`, excerpt: excerpt(body) });
        continue;
      }
      dumpsOf(s.ns).rules.push({ text: body, source: `iptables-save -c (${where})`, complete: true });
    } else if (s.what === 'ipset') {
      if (s.rc !== 0) {
        facts.push(`ipset unavailable on the host (${excerpt(body.trim(), 60)}): set matches are treated as may-match`);
        continue;
      }
      dumpsOf('host').ipsets = parseIpsetSave(body);
    } else if (s.what === 'ipvs') {
      const failure = classifyIpvsFailure(body);
      if (failure && !ipvsAbsentSaid) {
        facts.push(failure.reason);
        ipvsAbsentSaid = true;
      }
      dumpsOf(s.ns).ipvs = { text: body, source: `ipvsadm -Ln (${where})` };
    }
  }
  return { namespaces: Object.fromEntries(out), facts, complete: split.complete && !r.timedOut && !r.truncated, diagnostics, roundTrips: 1 };
}
