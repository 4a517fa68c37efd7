import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { nodeCredentialKeys } from '../../core/node/identity-runtime.ts';
import { loadCredentialKey } from '../../core/node/keys.ts';
import { migrationStatus } from '../../core/node/migrate.ts';
import { defineCommand, waitForAbort } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { credentialKeyFile, resolveDatabase } from '../database.ts';
import { RUNNER_SHUTDOWN_DEADLINE_MS, runnerOptions, runnerSettings } from '../runner-options.ts';

export default defineCommand({
  name: 'runner',
  aliases: ['worker'],
  summary: 'Claim jobs from the PostgreSQL queue and run them (scans over SSH)',
  usage: '[--concurrency N] [--poll-interval SECONDS] [--config FILE]',
  description:
    'A long-lived process that runs near the managed hosts. Wakes on NOTIFY and polls as a fallback;\n' +
    'the first SIGINT/SIGTERM stops claiming and lets running scans finish (30 s), a second exits.\n' +
    '`openwatch serve` runs one in-process unless given --no-runner.',
  options: [...configOptions, ...runnerOptions],
  async run(ctx) {
    const config = configFromContext(ctx).config;
    const settings = runnerSettings(ctx);
    const log = createLogger({ ...config.logging, write: (l) => ctx.stdout.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    try {
      const keyFile = credentialKeyFile(config, database);
      if (keyFile === undefined) {
        ctx.stderr.write('openwatch runner: refusing to start without: identity.credential_key_file\n');
        return 1;
      }
      loadCredentialKey(keyFile);
      const status = await migrationStatus(database.dsn);
      if (status.pending.length > 0) {
        ctx.stderr.write(
          `openwatch runner: ${status.pending.length} migrations are pending; run openwatch migrate\n`,
        );
        return 1;
      }
      const db = poolDb(database.dsn, {
        max: settings.concurrency + 4,
        applicationName: 'openwatch-runner',
      });
      try {
        const { startRunner } = await import('../../runner/start.ts');
        const { deliveryPolicy } = await import('../../runner/notify/policy.ts');
        const loop = await startRunner({
          db,
          dsn: database.dsn,
          keys: nodeCredentialKeys(keyFile),
          log,
          notify: deliveryPolicy(config.notifications),
          ...settings,
        });
        ctx.stderr.write(`openwatch runner started (concurrency ${settings.concurrency})\n`);
        await waitForAbort(ctx.signal);
        ctx.stderr.write('runner stopping: finishing running jobs…\n');
        await loop.stop(RUNNER_SHUTDOWN_DEADLINE_MS);
        return 0;
      } finally {
        await db.close();
      }
    } finally {
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});
