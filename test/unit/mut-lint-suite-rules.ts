/**
 * The per-rule lint tests as ONE test file, for the mutation run of module lint-rules (mutation/modules.json): every
 * lint call runs every rule, so each file covers every mutant; run as separate files each surviving mutant would
 * start a dozen test processes. Not a *.test.ts file: `npm test` runs the files themselves.
 */
import './mut-lint-accept-all.test';
import './mut-lint-ctorig-without-ctdir.test';
import './mut-lint-cuts-control-plane.test';
import './mut-lint-cuts-egress.test';
import './mut-lint-input-facts.test';
import './mut-lint-input-published-port.test';
import './mut-lint-small-rules.test';
import './mut-lint-not-docker-user.test';
import './mut-lint-not-docker-user2.test';
import './mut-lint-node-subnets.test';
import './mut-lint-swarm-port.test';
import './mut-lint-unknown-interface.test';
import './mut-lint-wipes-docker.test';
import './mut-lint-wipes-docker2.test';
import './lint-codes-doc.test';
// the fast lint test files that run every rule on real and holdout rule sets (each well under a second)
import './lint-real-world.test';
import './lint-corpus.test';
import './mut-lint-corpus.test';
import './lint-holdout.test';
import './lint-holdout-fixes.test';
import './lint-holdout3-fixes.test';
import './lint-holdout4-shapes.test';
import './lint-one-cause.test';
import './lint-shell-values.test';
import './lint-shell-functions.test';
import './lint-shell.test';
import './lint-shell-quotes.test';
import './lint-input.test';
import './lint-fix-safety.test';
import './lint-context.test';
