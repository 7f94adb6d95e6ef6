/** The Swarm doctor: gather per node, then cross-node checks. VS Code-free. */
export { CHECKS } from './checks';
export { formatReport } from './format';
export { gatherDoctorNode, type GatherDoctorOptions } from './gather';
export { runChecks } from './run';
export type { Check, DoctorInput, DoctorNode, DoctorReport, Finding, GuardedFix, Skipped } from './types';
export { applyFix, gatherCluster, runDoctor, sameFinding, type DoctorOptions, type FixOutcome } from './session';
