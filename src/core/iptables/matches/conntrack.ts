/**
 * -m conntrack (libxt_conntrack.c): the connection's state, original/reply tuple, status, direction. -nvL prints
 * each option as "<name> <value>" ("ctstate RELATED,ESTABLISHED", "ctorigdstport 8080", "! ctstate NEW").
 */
import type { RuleOption } from '../model';
import type { MatchModule, MatchResult } from './types';
import { o } from './types';
import type { MatchPacket } from './packet';
import { addrMatches, arg, listWords, not, portIn, portWords, yes } from './util';
import { protocolName } from '../../net';

const OPTIONS = [
  o('ctstate', 1, 'ctstate'), o('ctproto', 1), o('ctorigsrc', 1, 'addr'), o('ctorigdst', 1, 'addr'), o('ctreplsrc', 1, 'addr'),
  o('ctrepldst', 1, 'addr'), o('ctorigsrcport', 1, 'port'), o('ctorigdstport', 1, 'port'), o('ctreplsrcport', 1, 'port'),
  o('ctrepldstport', 1, 'port'), o('ctstatus', 1), o('ctexpire', 1), o('ctdir', 1),
];

/** The connection states a packet is in: its ctstate plus the SNAT/DNAT "virtual states" of its NAT so far. */
export function ctStates(p: MatchPacket): Set<string> {
  const s = new Set<string>([p.ct.state]);
  for (const x of p.ct.status) s.add(x);
  return s;
}

/**
 * The conntrack status bits (kernel-differential, seed 7): the first packet has none (CONFIRMED comes when it
 * leaves the last hook), the first answer CONFIRMED and SEEN_REPLY (ASSURED waits for the handshake's last ACK),
 * a later packet of an established connection all three. The kernel matches when (mask & status) != 0, and NONE
 * adds no bit to the mask: `--ctstatus NONE` never matches a tracked packet, `! --ctstatus NONE` always does
 * (kernel-differential seed 20261206 case 65: a DNATed first packet took `! --ctstatus NONE -j ACCEPT`).
 */
function ctStatus(p: MatchPacket): Set<string> {
  if (p.ct.state === 'NEW' || p.ct.state === 'UNTRACKED' || p.ct.state === 'INVALID') return new Set();
  if (p.ct.dir === 'REPLY') return new Set(['CONFIRMED', 'SEEN_REPLY']);
  return new Set(['SEEN_REPLY', 'ASSURED', 'CONFIRMED']);
}

/**
 * The connection's reply tuple as the packet sees it: NAT done so far is already in it (a DNAT in PREROUTING
 * changes where the reply comes from; SNAT in POSTROUTING, later, where it goes). For a packet in the original
 * direction it is the inverse of the packet's current addresses; a reply packet carries it.
 */
function replyTuple(p: MatchPacket): { src: string; dst: string; sport?: number; dport?: number } {
  if (p.ct.dir === 'REPLY') return { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
  return { src: p.dst, dst: p.src, sport: p.dport, dport: p.sport };
}

function addr(spec: string, ip: string, what: string): MatchResult {
  const r = addrMatches(spec, ip);
  return r === 'maybe' ? `${what} ${spec}` : r;
}

/** One conntrack option (shared with -m state). */
export function evalConntrack(opt: RuleOption, p: MatchPacket): MatchResult {
  const a = arg(opt);
  switch (opt.name) {
    case 'ctstate':
    case 'state': {
      const s = ctStates(p);
      return yes(a.toUpperCase().split(',').some((x) => x !== 'NONE' && s.has(x)));
    }
    case 'ctorigdst':
      return addr(a, p.ct.origDst, 'ctorigdst');
    case 'ctorigsrc':
      return addr(a, p.ct.origSrc, 'ctorigsrc');
    case 'ctorigdstport':
      return portIn(a, p.ct.origDport, 'any');
    case 'ctorigsrcport':
      return portIn(a, p.ct.origSport, 'any');
    case 'ctproto':
      return yes(protocolName(a) === p.proto);
    case 'ctdir':
      return yes(a.toUpperCase() === p.ct.dir);
    case 'ctstatus': {
      const s = ctStatus(p);
      return yes(a.toUpperCase().split(',').some((x) => x !== 'NONE' && s.has(x)));
    }
    case 'ctreplsrc':
      return addr(a, replyTuple(p).src, 'ctreplsrc');
    case 'ctrepldst':
      return addr(a, replyTuple(p).dst, 'ctrepldst');
    case 'ctreplsrcport':
      return portIn(a, replyTuple(p).sport, 'any');
    case 'ctrepldstport':
      return portIn(a, replyTuple(p).dport, 'any');
    default:
      return `-m conntrack --${opt.name} ${a} (the connection's timeout is not known offline)`;
  }
}

export function conntrackHover(opt: RuleOption): string | undefined {
  const a = arg(opt);
  switch (opt.name) {
    case 'ctstate':
    case 'state':
      return `${not(opt)}in connection state ${listWords(a)}`;
    case 'ctorigdstport':
      return `${not(opt)}to original destination ${portWords(a)} (before DNAT)`;
    case 'ctorigsrcport':
      return `${not(opt)}from original source ${portWords(a)}`;
    case 'ctorigdst':
      return `${not(opt)}originally addressed to ${a} (before DNAT)`;
    case 'ctorigsrc':
      return `${not(opt)}originally from ${a}`;
    case 'ctdir':
      return `in the ${a.toLowerCase()} direction of the connection`;
    default:
      return undefined;
  }
}

export const conntrack: MatchModule = {
  name: 'conntrack',
  options: OPTIONS,
  needs: '*',
  summary: 'connection tracking state and tuple',
  list: {
    words: OPTIONS.map((x) => x.name),
    read: (r, t, neg) => r.peek(1) !== undefined && r.keywordValue(r.match('conntrack', t, true), t.text, t, neg),
  },
  evalOption: evalConntrack,
  hover: conntrackHover,
};
