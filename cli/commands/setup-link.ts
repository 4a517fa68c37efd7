import { CLI_ACTOR } from '../../core/audit/append.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { migrationStatus } from '../../core/node/migrate.ts';
import { defineCommand } from '../command.ts';
import { configFromContext, configOptions, listenOption } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';
import { printSetupLink } from '../first-run.ts';

export default defineCommand({
  usage: '[--config FILE] [--listen HOST:PORT]',
  description:
    'For a lost link, or a deployment whose API runs on Cloudflare Workers (which prints none). The link\n' +
    'is valid for 24 hours or until used; minting it invalidates every earlier one. Refuses (exit 1) once\n' +
    'an active administrator exists: then an administrator creates accounts, or use create-admin.\n' +
    'The host and port in the link come from server.listen (--listen to print another).',
  options: [...configOptions, listenOption],
  async run(ctx) {
    const loaded = configFromContext(ctx);
    const log = createLogger({ ...loaded.config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(loaded.config, log);
    const db = poolDb(database.dsn, { max: 2, applicationName: 'openwatch-setup-link' });
    try {
      const pending = (await migrationStatus(database.dsn)).pending;
      if (pending.length > 0) {
        ctx.stderr.write(
          `openwatch setup-link: ${pending.length} migrations are pending; run openwatch migrate first\n`,
        );
        return 1;
      }
      const printed = await printSetupLink(db, {
        listen: loaded.config.server.listen,
        developmentMode: database.embedded !== undefined,
        actor: CLI_ACTOR,
        out: ctx.stdout,
      });
      if (printed) return 0;
      ctx.stderr.write(
        'openwatch setup-link: an administrator already exists; no setup link is needed. ' +
          'Sign in as that administrator, or create another with openwatch create-admin\n',
      );
      return 1;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});
