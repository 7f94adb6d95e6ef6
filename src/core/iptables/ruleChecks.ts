/**
 * Checks of a rule that need the whole line: `-m tcp` without `-p tcp`, multiport without a port protocol, the
 * options a target needs, the tables and chains NAT targets are valid in; and the message of an unknown option
 * (which `-m` / `-p` it belongs to).
 */
import type { Rule, RuleDiagnostic, RuleOption } from './model';
import { isKnownTarget, matchOption } from './spec';
import { matchModule } from './matches';
import { DIAG, mkDiag } from './codes';
import { own } from '../record';

/** Explicit protocol matches and the protocol (-p) they need. */
const PROTO_MATCH = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'esp', 'ah']);
const PORT_PROTOS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
/** The protocols a NAT target may give ports for (iptables 1.8.9: "Need TCP, UDP, SCTP or DCCP"; ICMP ids count as ports, UDP-Lite does not). */
const NAT_PORT_PROTOS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'icmp']);

export function unknownOptionMessage(name: string, rule: Rule): string {
  for (const mod of ['tcp', 'udp', 'conntrack', 'multiport', 'addrtype', 'mark', 'comment', 'set', 'policy', 'physdev', 'ipvs', 'iprange', 'mac', 'limit', 'state', 'icmp', 'esp']) {
    if (matchOption(mod, name)) {
      if (PROTO_MATCH.has(mod)) return `unknown option "--${name}": it needs ${mod === 'tcp' || mod === 'udp' ? '-p tcp/udp (or -m tcp/udp)' : `-p ${mod}`} before it`;
      return `unknown option "--${name}": it belongs to -m ${mod}, which is not loaded before it`;
    }
  }
  if (rule.target && !isKnownTarget(rule.target.name)) return `unknown option "--${name}" (target ${rule.target.name} is a chain and takes no options)`;
  return `unknown option "--${name}"`;
}

/** Rule-level checks that need the whole line: -p vs protocol matches, target options. */
const NEEDED_TARGET_OPTION: Record<string, [string, string[]]> = {
  DNAT: ['--to-destination', ['to-destination']],
  SNAT: ['--to-source', ['to-source']],
  MARK: ['one of --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark', ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark']],
  TPROXY: ['--on-port', ['on-port']],
};

function hasOption(options: RuleOption[], names: string[]): boolean {
  for (const o of options) if (names.includes(o.name)) return true;
  return false;
}

/** Targets iptables accepts only in the nat table. */
export const NAT_ONLY_TARGETS: ReadonlySet<string> = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT']);

/** Built-in chains a packet enters before it has an out-interface, or after it lost its in-interface (kernel-checked: "Can't use -i with OUTPUT"). */
const NO_OUT_INTERFACE = new Set(['INPUT', 'PREROUTING']);
const NO_IN_INTERFACE = new Set(['OUTPUT', 'POSTROUTING']);

/** What iptables refuses about the chain a rule is in: -i/-o where the hook has no such interface, DROP/REJECT in nat. */
function checkChain(rule: Rule, diags: RuleDiagnostic[]): void {
  if (rule.inInterface && NO_IN_INTERFACE.has(rule.chain)) diags.push(mkDiag('error', DIAG.badInterface, `iptables refuses -i in ${rule.chain} ("Can't use -i with ${rule.chain}"): the packet has no input interface there`, rule.inInterface.span, rule.inInterface.value));
  if (rule.outInterface && NO_OUT_INTERFACE.has(rule.chain)) diags.push(mkDiag('error', DIAG.badInterface, `iptables refuses -o in ${rule.chain} ("Can't use -o with ${rule.chain}"): the packet has no output interface yet`, rule.outInterface.span, rule.outInterface.value));
  const t = rule.target;
  if (rule.table === 'nat' && t && (t.name === 'DROP' || (t.name === 'REJECT' && rule.chain === 'PREROUTING'))) {
    diags.push(mkDiag('error', DIAG.unknownTarget, t.name === 'DROP' ? 'iptables refuses DROP in the nat table ("The nat table is not intended for filtering, the use of DROP is therefore inhibited"): filter in DOCKER-USER or INPUT' : 'the kernel refuses REJECT in nat PREROUTING (REJECT is valid in filter INPUT, FORWARD and OUTPUT): filter in DOCKER-USER or INPUT', t.span, t.name));
  }
}

export function checkRule(rule: Rule, diags: RuleDiagnostic[]): void {
  checkChain(rule, diags);
  // a protocol that is a shell variable (`-p "$proto"`) may be any: nothing to say about what needs which
  if (rule.protocol?.value.startsWith('$')) return checkTarget(rule, diags, undefined, true);
  const proto = rule.protocol && !rule.protocol.negated ? rule.protocol.value : undefined;
  for (const m of rule.matches) {
    if (m.implicit) continue;
    if (PROTO_MATCH.has(m.module) && proto !== m.module) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `-m ${m.module} needs -p ${m.module}${proto ? ` (rule has -p ${proto})` : ''}`, m.span, `-m ${m.module}`));
    }
    const needs = matchModule(m.module)?.needs;
    // (an option given with a bad value is refused as such: said once, there)
    if (needs && !m.options.some((o) => needs === '*' || needs.includes(o.name)) && !diags.some((d) => d.severity === 'error')) {
      diags.push(mkDiag('error', DIAG.missingArgument, `-m ${m.module} needs ${needs === '*' ? 'one of its options' : needs.map((n) => `--${n}`).join(' or ')}: iptables refuses the rule without`, m.span, `-m ${m.module}`));
    }
    if (m.module === 'multiport' && !(proto && PORT_PROTOS.has(proto))) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `-m multiport needs -p tcp, udp, udplite, sctp or dccp${proto ? ` (rule has -p ${proto})` : ''}`, m.span, '-m multiport'));
    }
  }
  checkTarget(rule, diags, proto, false);
}

/** The target's own needs: options, table, chain, and (unless the protocol is unknown) the protocol. */
function checkTarget(rule: Rule, diags: RuleDiagnostic[], proto: string | undefined, anyProto: boolean): void {
  const t = rule.target;
  if (t) {
    const need = own(NEEDED_TARGET_OPTION, t.name);
    if (need && !(t.name === 'DNAT' && rule.table !== 'nat') && !hasOption(t.options, need[1])) {
      diags.push(mkDiag('error', DIAG.missingTargetOption, `${t.name} needs ${need[0]}`, t.span, t.name));
    }
    const natOnly = NAT_ONLY_TARGETS.has(t.name);
    if (natOnly && rule.table !== 'nat') diags.push(mkDiag('error', DIAG.unknownTarget, `target ${t.name} is only valid in the nat table (rule is in ${rule.table})`, t.span, t.name));
    if (t.name === 'SNAT' && rule.table === 'nat' && (rule.chain === 'PREROUTING' || rule.chain === 'OUTPUT')) {
      diags.push(mkDiag('error', DIAG.unknownTarget, 'SNAT is only valid in POSTROUTING/INPUT (and chains called from them)', t.span, t.name));
    }
    if (t.name === 'MASQUERADE' && rule.table === 'nat' && (rule.chain === 'PREROUTING' || rule.chain === 'OUTPUT' || rule.chain === 'INPUT')) {
      diags.push(mkDiag('error', DIAG.unknownTarget, 'MASQUERADE is only valid in POSTROUTING (and chains called from it)', t.span, t.name));
    }
    if ((t.name === 'DNAT' || t.name === 'REDIRECT') && rule.table === 'nat' && (rule.chain === 'POSTROUTING' || rule.chain === 'INPUT')) {
      diags.push(mkDiag('error', DIAG.unknownTarget, `${t.name} is only valid in PREROUTING/OUTPUT (and chains called from them)`, t.span, t.name));
    }
    if (!anyProto && (t.name === 'REDIRECT' || t.name === 'MASQUERADE') && hasOption(t.options, ['to-ports']) && !(proto && NAT_PORT_PROTOS.has(proto))) {
      diags.push(mkDiag('error', DIAG.protocolMismatch, `${t.name} --to-ports needs -p tcp/udp/sctp/dccp`, t.span, t.name));
    }
    if (!anyProto && t.name === 'TPROXY' && proto !== 'tcp' && proto !== 'udp') {
      // the kernel refuses it (xt_TPROXY checkentry: "Can be used only with -p tcp or -p udp")
      diags.push(mkDiag('error', DIAG.protocolMismatch, `TPROXY needs -p tcp or -p udp${proto ? ` (rule has -p ${proto})` : ''}`, t.span, t.name));
    }
    const rejectWith = t.name === 'REJECT' ? t.options.find((o) => o.name === 'reject-with') : undefined;
    if (!anyProto && rejectWith?.args[0] === 'tcp-reset' && proto !== 'tcp') {
      // the kernel refuses it (ipt_REJECT checkentry: "TCP_RESET invalid for non-tcp")
      diags.push(mkDiag('error', DIAG.protocolMismatch, `REJECT --reject-with tcp-reset needs -p tcp${proto ? ` (rule has -p ${proto})` : ''}`, rejectWith.span, 'tcp-reset'));
    }
    if (t.name === 'DNAT' || t.name === 'SNAT') {
      const to = t.options.find((o) => o.name === 'to-destination' || o.name === 'to-source');
      if (!anyProto && to && to.args[0]?.includes(':') && !(proto && NAT_PORT_PROTOS.has(proto))) {
        diags.push(mkDiag('error', DIAG.protocolMismatch, `${t.name} to a port needs -p tcp/udp/sctp/dccp`, to.span, to.args[0]));
      }
    }
  }
}
