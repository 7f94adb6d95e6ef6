/** Stable diagnostic codes of the iptables parsers (./parse.ts, ./parseList.ts) and the diagnostic constructor. */
import type { RuleDiagnostic, Span } from './model';

export const DIAG = {
  unknownOption: 'syntax/unknown-option',
  missingArgument: 'syntax/missing-argument',
  badAddress: 'syntax/bad-address',
  badPort: 'syntax/bad-port',
  badValue: 'syntax/bad-value',
  badInterface: 'syntax/bad-interface',
  unknownProtocol: 'syntax/unknown-protocol',
  protocolMismatch: 'syntax/protocol-mismatch',
  unknownTarget: 'syntax/unknown-target',
  unknownTable: 'syntax/unknown-table',
  unknownModule: 'syntax/unknown-module',
  unknownChain: 'syntax/unknown-chain',
  noChain: 'syntax/no-chain',
  noCommand: 'syntax/no-command',
  multipleCommands: 'syntax/multiple-commands',
  multipleTargets: 'syntax/multiple-targets',
  missingTargetOption: 'syntax/missing-target-option',
  unexpectedToken: 'syntax/unexpected-token',
  unterminatedQuote: 'syntax/unterminated-quote',
  badCounters: 'syntax/bad-counters',
  badPosition: 'syntax/bad-position',
  badPolicy: 'syntax/bad-policy',
  badChainName: 'syntax/bad-chain-name',
  chainExists: 'syntax/chain-exists',
  chainNotEmpty: 'syntax/chain-not-empty',
  ruleNotFound: 'syntax/rule-not-found',
  notIptables: 'syntax/not-iptables',
  placeholder: 'syntax/placeholder',
  badListLine: 'syntax/bad-list-line',
  unknownListText: 'syntax/unknown-list-text',
} as const;
export type DiagCode = (typeof DIAG)[keyof typeof DIAG];

const SOURCE = 'iptables';
const MAX_EXCERPT = 80;

export function mkDiag(severity: RuleDiagnostic['severity'], code: DiagCode, message: string, span: Span, text?: string): RuleDiagnostic {
  const d: RuleDiagnostic = { severity, source: SOURCE, code, message, span, line: span.line + 1 };
  if (text !== undefined) d.excerpt = text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
  return d;
}
