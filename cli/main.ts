import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Command, type CommandIO } from './command.ts';
import { ConfigError } from '../core/config/load.ts';
import { redactText } from '../core/log.ts';
import { VERSION } from '../core/version.ts';

const COMMANDS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'commands');

/** Every file in cli/commands/ that default-exports a Command is a subcommand. */
export async function loadCommands(): Promise<Command[]> {
  const files = readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const mods = await Promise.all(
    files.map(
      async (f) => (await import(pathToFileURL(join(COMMANDS_DIR, f)).href)) as { default?: Command },
    ),
  );
  return mods.flatMap((m) => (m.default ? [m.default] : []));
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s}  ` : s + ' '.repeat(n - s.length);
}

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: openwatch ${cmd.name} ${cmd.usage}`.trimEnd(), '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  if (cmd.aliases?.length) lines.push('', `Aliases: ${cmd.aliases.join(', ')}`);
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

function mainHelp(commands: Command[]): string {
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
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`openwatch ${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!cmd) {
    io.stderr.write(`openwatch: unknown command '${name}'\n\n${mainHelp(commands)}`);
    return 2;
  }
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
      io.stdout.write(commandHelp(cmd));
      return 0;
    }
    return await cmd.run({ ...io, values: parsed.values, positionals: parsed.positionals });
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`openwatch ${cmd.name}: ${err.message}\nUsage: openwatch ${cmd.name} ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    // Anything else is a runtime failure: one clear line (secrets scrubbed), the stack only at debug level.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`openwatch ${cmd.name}: ${redactText(message)}\n`);
    if (io.env.OPENWATCH_LOGGING_LEVEL === 'debug' && err instanceof Error)
      io.stderr.write(`${err.stack ?? ''}\n`);
    return 1;
  }
}
