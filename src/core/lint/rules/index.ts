/**
 * The registry of lint rules: one file per rule, run in this order. docs/lint-codes.md is generated from it
 * (scripts/lint-codes-doc.ts; a test checks the committed page is current).
 */
import type { LintRuleMeta, LintRule } from '../rule';
import { afterReturn } from './afterReturn';
import { acceptAll } from './acceptAll';
import { ctorigWithoutCtdir } from './ctorigWithoutCtdir';
import { cutsControlPlane } from './cutsControlPlane';
import { cutsEgress } from './cutsEgress';
import { duplicate } from './duplicate';
import { inputPublishedPort } from './inputPublishedPort';
import { fragment } from './fragment';
import { insertIndex } from './insertIndex';
import { insertOrder } from './insertOrder';
import { interfaceWildcard } from './interfaceWildcard';
import { legacyTables, listingNoCounters, tableInferred, truncated } from './inputFacts';
import { matchAfterDnat } from './matchAfterDnat';
import { missingEstablished } from './missingEstablished';
import { nftablesBackendRule } from './nftablesBackend';
import { notACommand } from './notACommand';
import { notDockerUser } from './notDockerUser';
import { matchesNetwork, unknownSubnet } from './nodeSubnets';
import { restoreContinuation } from './restoreContinuation';
import { shadowed } from './shadowed';
import { swarmPort } from './swarmPort';
import { targetTypo } from './targetTypo';
import { unknownInterface } from './unknownInterface';
import { unusedChain } from './unusedChain';
import { variableValue } from './variableValue';
import { wipesDocker } from './wipesDocker';

export const LINT_RULES: readonly LintRule[] = [
  notACommand,
  targetTypo,
  variableValue,
  restoreContinuation,
  insertIndex,
  afterReturn,
  shadowed,
  duplicate,
  insertOrder,
  unusedChain,
  interfaceWildcard,
  wipesDocker,
  acceptAll,
  cutsEgress,
  // (a DROP that takes replies through its --ctorig* match is said once, as that: missing-established asks
  // repliesThroughCtorig, so the order of the two does not matter)
  ctorigWithoutCtdir,
  missingEstablished,
  matchAfterDnat,
  swarmPort,
  notDockerUser,
  inputPublishedPort,
  cutsControlPlane,
  unknownInterface,
  unknownSubnet,
  matchesNetwork,
  nftablesBackendRule,
  fragment,
  truncated,
  legacyTables,
  listingNoCounters,
  tableInferred,
];

/** Codes the parser reports (iptables would refuse the line), documented with the rules. */
export const SYNTAX_CODES: readonly LintRuleMeta[] = [
  {
    code: 'syntax/*',
    severity: 'error',
    description: 'iptables would refuse the line: unknown option, bad address or port, missing argument, unknown target, …',
    docs: 'Reported by the shared iptables parser (src/core/iptables/parse.ts) with the exact reason, e.g. `syntax/unknown-option`, `syntax/bad-address`, `syntax/unknown-target`. Shell around command lines (`sudo`, `2>/dev/null || true`, `iptables -C … || iptables -I …`, `if …; then …; fi`, variables) is not a syntax error; an argument that is a shell variable is unknown, not wrong.',
  },
];

export function ruleMeta(code: string): LintRuleMeta | undefined {
  return LINT_RULES.find((r) => r.code === code) ?? (code.startsWith('syntax/') ? SYNTAX_CODES[0] : undefined);
}

/** The Markdown page listing every code (docs/lint-codes.md). */
export function lintCodesMarkdown(): string {
  const rows = [...LINT_RULES, ...SYNTAX_CODES].map((r) => `| \`${r.code}\` | ${r.severity} | ${r.description.replace(/\|/g, '\\|')} |`);
  const sections = [...LINT_RULES, ...SYNTAX_CODES].map((r) => `## \`${r.code}\`\n\n${r.severity} — ${r.description}\n\n${r.docs}\n`);
  return [
    '# Lint codes',
    '',
    '<!-- generated from src/core/lint/rules/index.ts by `npx tsx scripts/lint-codes-doc.ts`; do not edit by hand -->',
    '',
    'Errors and warnings are findings; info is a hint about the input or a context fact. Docker versions are named where the behaviour depends on them.',
    '',
    '| code | severity | what |',
    '|---|---|---|',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}
