import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { nodeCredentialKeys } from '../../core/node/identity-runtime.ts';
import { loadCredentialKey } from '../../core/node/keys.ts';
import { assertSchemaCurrent } from '../../core/node/migrate.ts';
import { defineCommand, stringOption, UsageError, waitForAbort } from '../command.ts';
import { listenAddress } from '../../core/config/schema.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { credentialKeyFile, resolveDatabase } from '../database.ts';
import {
  allowLocalTransport,
  RUNNER_SHUTDOWN_DEADLINE_MS,
  runnerOptions,
  runnerSettings,
} from '../runner-options.ts';
import { startMetricsServer } from '../../functions/node/metrics-endpoint.ts';
import { processMetrics } from '../metrics.ts';

export default defineCommand({
  usage: '[--concurrency N] [--poll-interval SECONDS] [--metrics-listen HOST:PORT] [--config FILE]',
  description:
    'A long-lived process that runs near the managed hosts. Wakes on NOTIFY and polls as a fallback;\n' +
    'the first SIGINT/SIGTERM stops claiming and lets running scans finish (30 s), a second exits.\n' +
    '`openwatch serve` runs one in-process unless given --no-runner.',
  options: [
    ...configOptions,
    ...runnerOptions,
    {
      name: 'metrics-listen',
      type: 'string',
      value: 'ADDR',
      description:
        'Serve /metrics over HTTP here (default metrics.runner_listen; off when neither is set). ' +
        'A non-loopback address needs metrics.token_file',
    },
  ],
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
      await assertSchemaCurrent(database.dsn);
      const db = poolDb(database.dsn, {
        max: settings.concurrency + 4,
        applicationName: 'openwatch-runner',
      });
      const stops: Array<() => Promise<void>> = [];
      try {
        const listen = stringOption(ctx, 'metrics-listen') ?? config.metrics.runner_listen;
        if (listen !== undefined && !listenAddress.safeParse(listen).success)
          throw new UsageError('--metrics-listen expects host:port, e.g. 127.0.0.1:9464');
        const pm = processMetrics(config, { db, pool: db.pool }, log);
        if (listen) {
          const server = await startMetricsServer(listen, pm.handler, pm.hasToken);
          stops.push(server.close);
          ctx.stderr.write(`runner metrics on ${server.url}\n`);
        }
        const { startRunner } = await import('../../runner/start.ts');
        const { deliveryPolicy } = await import('../../runner/notify/policy.ts');
        const loop = await startRunner({
          db,
          dsn: database.dsn,
          keys: nodeCredentialKeys(keyFile),
          log,
          metrics: pm.metrics,
          notify: deliveryPolicy(config.notifications),
          ...settings,
          allowLocalTransport: allowLocalTransport(config, database.embedded !== undefined),
        });
        ctx.stderr.write(`openwatch runner started (concurrency ${settings.concurrency})\n`);
        await waitForAbort(ctx.signal);
        ctx.stderr.write('runner stopping: finishing running jobs…\n');
        await loop.stop(RUNNER_SHUTDOWN_DEADLINE_MS);
        return 0;
      } finally {
        for (const stop of stops) await stop();
        await db.close();
      }
    } finally {
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});
