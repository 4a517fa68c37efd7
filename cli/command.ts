import type { Readable, Writable } from 'node:stream';

export interface OptionSpec {
  /** Long name without dashes, e.g. `known-hosts`. */
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  description: string;
}

export interface CommandIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** Cancelled on SIGINT/SIGTERM for commands that run until stopped. */
  signal: AbortSignal;
}

export interface CommandContext extends CommandIO {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/**
 * One `openwatch` subcommand: the default export of its file under `cli/commands/`. Its name, aliases and
 * summary live in the registry (`cli/commands/index.ts`), which loads the file only when the command runs.
 */
export interface Command {
  /** Argument synopsis after the command name, e.g. `[--status]`. */
  usage: string;
  description?: string;
  options: OptionSpec[];
  /** Resolves to the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function defineCommand(command: Command): Command {
  return command;
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  if (v === undefined || typeof v === 'string') return v;
  throw new UsageError(`--${name} expects a value`);
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return [v];
  throw new UsageError(`--${name} expects a value`);
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true;
}

/** Resolves when the command's signal aborts (SIGINT/SIGTERM): the body of long-running commands. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
