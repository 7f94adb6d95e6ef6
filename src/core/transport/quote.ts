/**
 * Strict POSIX shell quoting for commands sent over SSH (the remote side always runs them through the user's
 * shell). Every argument is single-quoted unless it is made only of characters that no shell treats specially.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte');
  if (SAFE.test(arg)) return arg; // SAFE's `+` refuses the empty string: '' is quoted
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}
