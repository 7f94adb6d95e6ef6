/** Plain-words explanation of one iptables rule, for hovers ("TCP packets to original destination port 8080 arriving on eth0 are dropped"). */
import type { BaseMatch, Rule, RuleMatch, RuleOption } from '../iptables/model';
import { PROTOCOL_NUMBERS, isKnownTarget } from '../iptables/spec';
import { own } from '../record';

function iface(m: BaseMatch, verb: string): string {
  const v = m.value.endsWith('+') ? `any interface whose name starts with "${m.value.slice(0, -1)}"` : m.value;
  return `${verb} ${m.negated ? 'anything but ' : ''}${v}`;
}

function addr(m: BaseMatch, word: string): string {
  return `${word} ${m.negated ? 'anywhere except ' : ''}${m.value}`;
}

function list(v: string): string {
  const parts = v.split(',');
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

function portWords(v: string): string {
  const p = v.replace(':', '–');
  return v.includes(':') || v.includes(',') ? `ports ${list(p)}` : `port ${p}`;
}

function not(o: RuleOption): string {
  return o.negated ? 'not ' : '';
}

function optionPhrase(mod: string, o: RuleOption): string {
  const a = o.args.join(' ');
  switch (o.name) {
    case 'dport':
    case 'dports':
      return `${not(o)}to destination ${portWords(a)}`;
    case 'sport':
    case 'sports':
      return `${not(o)}from source ${portWords(a)}`;
    case 'ports':
      return `${not(o)}with source or destination ${portWords(a)}`;
    case 'ctorigdstport':
      return `${not(o)}to original destination ${portWords(a)} (before DNAT)`;
    case 'ctorigsrcport':
      return `${not(o)}from original source ${portWords(a)}`;
    case 'ctorigdst':
      return `${not(o)}originally addressed to ${a} (before DNAT)`;
    case 'ctorigsrc':
      return `${not(o)}originally from ${a}`;
    case 'ctstate':
    case 'state':
      return `${o.negated ? 'not ' : ''}in connection state ${list(a)}`;
    case 'ctdir':
      return `in the ${a.toLowerCase()} direction of the connection`;
    case 'match-set':
      return `whose ${o.args[1] ?? 'dst'} ${o.negated ? 'is not' : 'is'} in ipset ${o.args[0] ?? '?'}`;
    case 'dst-type':
      return `${not(o)}addressed to a ${a.toLowerCase()} address of this host`;
    case 'src-type':
      return `${not(o)}coming from a ${a.toLowerCase()} address of this host`;
    case 'pol':
      return a === 'none' ? 'that did not go through IPsec' : 'that went through IPsec';
    case 'dir':
      return '';
    case 'comment':
      return '';
    case 'icmp-type':
      return `${not(o)}of ICMP type ${a}`;
    case 'syn':
      return `${o.negated ? 'without' : 'with'} only SYN set (new TCP connections)`;
    case 'mark':
      return `${not(o)}with mark ${a}`;
    case 'src-range':
      return `${not(o)}from ${a}`;
    case 'dst-range':
      return `${not(o)}to ${a}`;
    case 'mac-source':
      return `${not(o)}from MAC ${a}`;
    case 'limit':
      return `at a rate of at most ${a}`;
    case 'physdev-in':
      return `${not(o)}entering the bridge from port ${a}`;
    case 'physdev-out':
      return `${not(o)}leaving the bridge through port ${a}`;
    default:
      return `matching ${mod === o.name ? '' : `-m ${mod} `}${o.negated ? '! ' : ''}--${o.name}${a ? ` ${a}` : ''}`;
  }
}

function matchPhrases(m: RuleMatch): string[] {
  if (m.options.length === 0) return m.implicit ? [] : [`matching -m ${m.module}`];
  return m.options.map((o) => optionPhrase(m.module, o)).filter((s) => s !== '');
}

function targetPhrase(rule: Rule): string {
  const t = rule.target;
  if (!t) return 'are only counted (no target)';
  const opt = (n: string): string | undefined => t.options.find((o) => o.name === n)?.args.join(' ');
  switch (t.name) {
    case 'ACCEPT':
      return 'are accepted';
    case 'DROP':
      return 'are dropped';
    case 'REJECT': {
      const w = opt('reject-with');
      return `are rejected${w ? ` (${w})` : ''}`;
    }
    case 'RETURN':
      return rule.chain === 'DOCKER-USER'
        ? "return from DOCKER-USER (Docker's own rules decide next)"
        : `return to the chain that jumped to ${rule.chain}`;
    case 'LOG': {
      const p = opt('log-prefix');
      return `are logged${p ? ` with prefix ${p}` : ''} and continue`;
    }
    case 'DNAT':
      return `are DNATed to ${opt('to-destination') ?? '?'}`;
    case 'SNAT':
      return `are SNATed to ${opt('to-source') ?? '?'}`;
    case 'MASQUERADE':
      return 'are masqueraded (SNAT to the outgoing interface address)';
    case 'REDIRECT':
      return `are redirected to local port ${opt('to-ports') ?? '?'}`;
    case 'MARK':
      return `get firewall mark ${opt('set-xmark') ?? opt('set-mark') ?? '?'}`;
    default:
      return t.goto ? `go to chain ${t.name} (without coming back here)` : `jump to ${isKnownTarget(t.name) ? 'target' : 'chain'} ${t.name}`;
  }
}

/** Explains a rule in plain words. */
export function hoverRule(rule: Rule): string {
  let proto = 'Packets';
  if (rule.protocol) {
    const name = own(PROTOCOL_NUMBERS, rule.protocol.value) ?? rule.protocol.value;
    const up = name === 'all' ? '' : name.toUpperCase();
    proto = up ? `${rule.protocol.negated ? `Non-${up}` : up} packets` : 'Packets';
  }
  const parts: string[] = [proto];
  if (rule.source) parts.push(addr(rule.source, 'from'));
  if (rule.destination) parts.push(addr(rule.destination, 'to'));
  const comments: string[] = [];
  for (const m of rule.matches) {
    parts.push(...matchPhrases(m));
    for (const o of m.options) if (o.name === 'comment') comments.push(o.args.join(' '));
  }
  if (rule.inInterface) parts.push(iface(rule.inInterface, 'arriving on'));
  if (rule.outInterface) parts.push(iface(rule.outInterface, 'leaving through'));
  parts.push(targetPhrase(rule));
  const where = `${rule.table}/${rule.chain}`;
  const op = rule.op === 'I' ? `inserted at position ${rule.position ?? 1} of` : rule.op === 'D' ? 'deleted from' : rule.op === 'R' ? `replacing rule ${rule.position ?? '?'} of` : 'appended to';
  const note = rule.chain === 'DOCKER-USER' && rule.matches.some((m) => m.options.some((o) => o.name === 'dport'))
    ? '\n\nNote: in DOCKER-USER packets are already DNATed; `--dport` sees the port after DNAT (use `-m conntrack --ctorigdstport`).'
    : '';
  return `${parts.join(' ')}.\n\n(${op} ${where}${comments.length ? `; comment: ${comments.join(' ')}` : ''})${note}`;
}
