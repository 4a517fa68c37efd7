import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Command, type CommandIO } from './command.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import { ConfigError } from '../core/config/error.ts';
import { redactText } from '../core/log.ts';
import { VERSION } from '../core/version.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? `${s}  ` : s + ' '.repeat(n - s.length);
}

export function commandHelp(entry: CommandEntry, cmd: Command): string {
  const lines = [`Usage: openwatch ${entry.name} ${cmd.usage}`.trimEnd(), '', entry.summary];
  if (cmd.description) lines.push('', cmd.description);
  if (entry.aliases?.length) lines.push('', `Aliases: ${entry.aliases.join(', ')}`);
  lines.push('', 'Options:');
  const opts = [
    ...cmd.options,
    { name: 'help', type: 'boolean' as const, short: 'h', description: 'Show this help' },
  ];
  for (const o of opts) {
    const short = o.short ? `-${o.short}, ` : '    ';
    const value = o.type === 'string' ? ` ${'value' in o && o.value ? o.value : 'VALUE'}` : '';
    lines.push(`  ${pad(short + '--' + o.name + value, 30)}${o.description}`);
  }
  return lines.join('\n') + '\n';
}

function mainHelp(commands: readonly CommandEntry[]): string {
  const lines = [
    `openwatch ${VERSION} — agentless compliance scanning for Linux fleets`,
    '',
    'Usage: openwatch <command> [options]',
    '',
    'Commands:',
  ];
  for (const c of commands) lines.push(`  ${pad(c.name, 16)}${c.summary}`);
  lines.push('', "Run 'openwatch <command> --help' for a command's options.");
  return lines.join('\n') + '\n';
}

function defaultIO(): CommandIO {
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    // The first signal asks for a graceful stop; a second one exits at once.
    if (signals > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    ac.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: ac.signal,
  };
}

export async function main(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const commands = COMMANDS;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`openwatch ${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!entry) {
    io.stderr.write(`openwatch: unknown command '${name}'\n\n${mainHelp(commands)}`);
    return 2;
  }
  const cmd = (await entry.load()).default;
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const o of cmd.options) {
    options[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      io.stdout.write(commandHelp(entry, cmd));
      return 0;
    }
    return await cmd.run({ ...io, values: parsed.values, positionals: parsed.positionals });
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(
        `openwatch ${entry.name}: ${err.message}\nUsage: openwatch ${entry.name} ${cmd.usage}\n`,
      );
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    // Anything else is a runtime failure: one clear line (secrets scrubbed), the stack only at debug level.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`openwatch ${entry.name}: ${redactText(message)}\n`);
    if (io.env.OPENWATCH_LOGGING_LEVEL === 'debug' && err instanceof Error)
      io.stderr.write(`${err.stack ?? ''}\n`);
    return 1;
  }
}
