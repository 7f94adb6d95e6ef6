/**
 * The tests of the linter's fix machinery as ONE test file, for the mutation run of module lint-fixes
 * (mutation/modules.json): one test process per mutant instead of one per file. Not a *.test.ts file: `npm test`
 * runs the files themselves.
 */
import './mut-lint-fixes.test';
import './mut-lint-missing-established.test';
import './mut-lint-after-return.test';
import './mut-lint-accept-all.test';
import './mut-lint-input-published-port.test';
import './mut-lint-not-docker-user.test';
import './lint-fix-safety.test';
