/**
 * POSIX shell single-quoting. Every argument OpenWatch sends to a host goes through this: inside single
 * quotes nothing is special except the quote itself, which is closed, escaped and reopened.
 */
export function shq(arg: string): string {
  if (arg.includes('\0')) throw new Error('shell argument contains a NUL byte');
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one command line, quoting each element. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shq).join(' ');
}
