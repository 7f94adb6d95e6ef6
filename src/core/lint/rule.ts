/** The shape of one lint rule (one file per rule under ./rules, listed in ./rules/index.ts). */
import type { Severity } from '../diagnostics';
import type { Pass } from './pass';

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
  check(p: Pass): void;
}
