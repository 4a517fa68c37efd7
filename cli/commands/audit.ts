import { verifyAuditChain } from '../../core/audit/verify.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { defineCommand, UsageError } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';

export default defineCommand({
  usage: 'verify [--config FILE]',
  description:
    "verify walks audit_events in id order, recomputing each row's hash from its canonical content and\n" +
    "checking it links to the previous row's hash. Exits 0 when the chain is intact, 1 naming the first\n" +
    'row that does not verify (a row altered or removed behind the append-only trigger).',
  options: [...configOptions],
  async run(ctx) {
    if (ctx.positionals[0] !== 'verify' || ctx.positionals.length > 1)
      throw new UsageError('expected the subcommand `verify`');
    const config = configFromContext(ctx).config;
    const log = createLogger({ ...config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const db = poolDb(database.dsn, { max: 1, applicationName: 'openwatch-audit-verify' });
    try {
      const result = await verifyAuditChain(db);
      if (result.broken) {
        ctx.stdout.write(
          `audit chain BROKEN at event id ${result.broken.id}: ${result.broken.reason}\n` +
            `${result.checked} events before it verified\n`,
        );
        return 1;
      }
      ctx.stdout.write(`audit chain intact: ${result.checked} events verified (last id ${result.lastId})\n`);
      return 0;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});
