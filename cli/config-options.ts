import { loadConfig, type LoadedConfig } from '../core/config/load.ts';
import { stringOption, type CommandContext, type OptionSpec } from './command.ts';

/** Flags every config-reading command accepts; they override env and file values. */
export const configOptions: OptionSpec[] = [
  {
    name: 'config',
    type: 'string',
    value: 'FILE',
    description: 'TOML config file (default /etc/openwatch/openwatch.toml)',
  },
  {
    name: 'log-level',
    type: 'string',
    value: 'LEVEL',
    description: 'debug, info, warn or error (logging.level)',
  },
];

export function configFromContext(ctx: CommandContext): LoadedConfig {
  return loadConfig(
    {
      ...(stringOption(ctx, 'config') !== undefined ? { config: stringOption(ctx, 'config') } : {}),
      ...(stringOption(ctx, 'listen') !== undefined ? { listen: stringOption(ctx, 'listen') } : {}),
      ...(stringOption(ctx, 'log-level') !== undefined ? { logLevel: stringOption(ctx, 'log-level') } : {}),
    },
    ctx.env,
  );
}

/** The server's own address flag (serve only). */
export const listenOption: OptionSpec = {
  name: 'listen',
  type: 'string',
  value: 'HOST:PORT',
  description: 'HTTPS listen address (server.listen)',
};
