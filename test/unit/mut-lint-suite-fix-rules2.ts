/**
 * The second file of the lint-fix-rules mutation tests (mutation/modules.json): tests written for the survivors of a
 * run, kept apart so that Stryker's incremental mode keeps the mutants mut-lint-suite-fix-rules.ts already killed (it
 * notices only a change of this file's own text). Not a *.test.ts file: `npm test` runs the files themselves.
 */
import './mut-lint-fix-rules-session9.test';
