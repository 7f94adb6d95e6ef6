/**
 * The second half of the lint-rules mutation tests (mutation/modules.json): the tests written for the survivors of
 * the first runs. Two files so that a re-run after adding a test here re-tests only the mutants still alive
 * (Stryker's incremental mode keeps a mutant killed by mut-lint-suite-rules.ts while that file is unchanged);
 * Stryker sees a test file change only when this file's own text changes, so every import added or changed here
 * changes this file. Not a *.test.ts file: `npm test` runs the files themselves.
 */
import './mut-lint-cuts-control-plane2.test';
import './mut-lint-cuts-egress2.test';
import './mut-lint-input-facts2.test';
import './mut-lint-small-rules2.test';
import './mut-lint-cuts-control-plane3.test';
import './mut-lint-small-rules3.test';
import './mut-lint-ctorig-without-ctdir2.test';
import './mut-lint-accept-all2.test';
import './mut-lint-not-docker-user3.test';
import './mut-lint-cuts-control-plane4.test';
import './lint-holdout6-fixes.test';
import './lint-holdout9-12-fixes.test';
import './lint-holdout13-14-fixes.test';
