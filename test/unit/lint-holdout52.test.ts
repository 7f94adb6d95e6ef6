/**
 * Holdout 52 (test/fixtures/lint/holdout52): rule sets from texts published in languages other than English — blog
 * posts, course and study notes, SOPs, incident write-ups, book chapters, READMEs and scripts with Chinese (simplified
 * and traditional), Japanese, Korean, Russian, German, French, Italian and Brazilian-Portuguese prose or comments, with
 * their pasted `iptables -nL` / `iptables-save` listings — that show iptables rules for Docker hosts and Swarm nodes,
 * with expectations written before the linter was run on them (docs/lint-holdout52.md). Checked for format and
 * independence from the earlier sets and from holdout 53 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(52, { sibling: 53, findingsShare: true });
