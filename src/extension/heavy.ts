/**
 * Everything activation does not need — ssh2 and dockerode (connect), discovery, the tracer, the node
 * sources, host-key prompts — behind one module that is loaded on first use (./lazy.ts); the language client
 * is the other such module (./lsp.ts, with the first iptables document). Two boundaries, so the bundler can put
 * each in a file of its own: loading the extension parses only the rest.
 */
export { connectNode } from '../core/connect';
export { discoverNode } from '../core/discovery';
export { lintContextFromModel } from '../core/lint/fromModel';
export { nsTerminal } from '../core/nsTerminal';
export { defaultKnownHostsPath, makeHostKeyVerifier } from './hostKeys';
export { addNodesFrom, addWholeSwarm } from './nodeSources';
export { traceCommand } from './trace';
export { RulesCache } from './traceRules';
