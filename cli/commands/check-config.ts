import { stringify } from 'smol-toml';
import { ConfigError } from '../../core/config/error.ts';
import { redactConfig } from '../../core/config/redact.ts';
import { defineCommand } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';

export default defineCommand({
  usage: '[--config FILE] [--json]',
  description:
    'Resolves flags > OPENWATCH_<SECTION>_<KEY> env > TOML file > defaults. Exits 1 when the\n' +
    'configuration is invalid, naming each bad key and where its value came from.',
  options: [
    ...configOptions,
    { name: 'json', type: 'boolean', description: 'Print as JSON instead of TOML' },
  ],
  async run(ctx) {
    try {
      const { config, file } = configFromContext(ctx);
      const shown = redactConfig(config);
      ctx.stderr.write(`configuration is valid (file: ${file ?? 'none'})\n`);
      ctx.stdout.write(ctx.values.json ? JSON.stringify(shown, null, 2) + '\n' : stringify(shown) + '\n');
      return 0;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      ctx.stderr.write(`${err.message}\n`);
      return 1;
    }
  },
});
