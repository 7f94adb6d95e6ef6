/** The shape of one lint rule (one file per rule under ./rules, listed in ./rules/index.ts). */
import type { Severity } from '../diagnostics';
import type { Rule } from '../iptables/model';
import type { PreparedContext } from './context';
import type { RuleFacts } from './facts';
import type { DocRule, Pass } from './pass';

export interface LintRuleMeta {
  /** Stable code, e.g. `docker-user/accept-all`. */
  code: string;
  /** Usual severity (some findings are reported one step lower when the text cannot prove them). */
  severity: Severity;
  /** One line: what the rule finds. */
  description: string;
  /** Why it matters on a Docker/Swarm host, with the Docker versions it applies to (Markdown). */
  docs: string;
}

export interface LintRule extends LintRuleMeta {
  /**
   * Which rule lines the check can report on, judged from the line alone (its parse and facts) and the node context,
   * never from the rest of the text nor from what a pass sets on rules (chain positions, script values). The engine
   * gives the check only those lines; the answers are kept with the line's cached parse, so a one-line edit asks
   * again for that line only (./applies.ts). Without it the check is given every rule line of the document. The
   * check judges each line it is given as before: given every line, it reports the same (LintOptions.everyLine).
   */
  appliesTo?(rule: Rule, f: RuleFacts, pc: PreparedContext): boolean;
  /** Reports what it finds in the pass; `rules`: the document's rule lines it may report on (p.doc without appliesTo). */
  check(p: Pass, rules: readonly DocRule[]): void;
}
