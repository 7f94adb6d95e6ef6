/** `swarmnet lint <file...> [--json]` (placeholder until the linter core lands). */
export async function lintCommand(args: string[]): Promise<number> {
  process.stderr.write(`swarmnet lint: not implemented yet (${args.length} args)\n`);
  return 2;
}
