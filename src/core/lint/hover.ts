/** Plain-words explanation of one iptables rule, for hovers ("TCP packets to original destination port 8080 arriving on eth0 are dropped"). */
import type { BaseMatch, Rule, RuleMatch, RuleOption } from '../iptables/model';
import { isKnownTarget } from '../iptables/spec';
import { matchModule } from '../iptables/matches';
import { protocolName } from '../net';

function iface(m: BaseMatch, verb: string): string {
  const v = m.value.endsWith('+') ? `any interface whose name starts with "${m.value.slice(0, -1)}"` : m.value;
  return `${verb} ${m.negated ? 'anything but ' : ''}${v}`;
}

function addr(m: BaseMatch, word: string): string {
  return `${word} ${m.negated ? 'anywhere except ' : ''}${m.value}`;
}

/** The module's phrase for one option (src/core/iptables/matches/<module>.ts: hover), or the option as written. */
function optionPhrase(mod: string, o: RuleOption): string {
  const phrase = matchModule(mod)?.hover?.(o);
  if (phrase !== undefined) return phrase;
  const a = o.args.join(' ');
  return `matching ${mod === o.name ? '' : `-m ${mod} `}${o.negated ? '! ' : ''}--${o.name}${a ? ` ${a}` : ''}`;
}

function matchPhrases(m: RuleMatch): string[] {
  if (m.options.length === 0) {
    if (m.implicit) return [];
    const summary = matchModule(m.module)?.summary;
    return [`matching -m ${m.module}${summary ? ` (${summary})` : ''}`];
  }
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
    const name = protocolName(rule.protocol.value);
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
