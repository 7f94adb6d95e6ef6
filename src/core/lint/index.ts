/** The DOCKER-USER linter (VS Code-free): shared by the language server and `swarmnet lint`. */
export { Linter, lintRules } from './linter';
export type { LintOptions } from './linter';
export { hoverRule } from './hover';
export * from './types';
export { lintContextFromModel } from './fromModel';
