import type { Config } from '../../core/config/schema.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import type { Db } from '../../core/db/types.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { nodeBuildInfo } from '../../core/node/build-info.ts';
import { UI_DIR } from '../../core/node/paths.ts';
import { nodeIdentityRuntime } from '../../core/node/identity-runtime.ts';
import { serverReportKey } from '../../core/node/report-key.ts';
import { nodeSshKeys } from '../../core/node/ssh-key.ts';
import { loadCredentialKey, loadJwtPrivateKey } from '../../core/node/keys.ts';
import { assertSchemaCurrent, migrate } from '../../core/node/migrate.ts';
import { createApp } from '../../functions/app.ts';
import { staticHandler } from '../../functions/node/static.ts';
import { certificateExpirySeconds } from '../../functions/node/tls.ts';
import { processMetrics } from '../metrics.ts';
import { startServer } from '../../functions/node/server.ts';
import { runScheduled, type ScheduledDeps } from '../../functions/scheduled.ts';
import {
  allowLocalTransport,
  RUNNER_SHUTDOWN_DEADLINE_MS,
  runnerOptions,
  runnerSettings,
} from '../runner-options.ts';
import { auditHeadFile, startAuditAnchor } from '../audit-anchor.ts';
import { defineCommand, flag, stringOption, waitForAbort } from '../command.ts';
import { configFromContext, configOptions, listenOption } from '../config-options.ts';
import { resolveDatabase, type ResolvedDatabase } from '../database.ts';
import { firstRun } from '../first-run.ts';

const SCHEDULE_INTERVAL_MS = 60_000;

interface Files {
  jwtPrivateKey: string;
  credentialKeyFile: string;
  tlsCert: string;
  tlsKey: string;
}

/** Production refuses to start without its keys; development mode supplies generated ones. */
function requiredFiles(config: Config, db: ResolvedDatabase): Files | string[] {
  const dev = db.embedded?.secrets;
  const files = {
    jwtPrivateKey: config.identity.jwt_private_key ?? dev?.jwtPrivateKey,
    credentialKeyFile: config.identity.credential_key_file ?? dev?.credentialKeyFile,
    tlsCert: config.server.tls_cert ?? dev?.tlsCert,
    tlsKey: config.server.tls_key ?? dev?.tlsKey,
  };
  const missing = [
    ['identity.jwt_private_key', files.jwtPrivateKey],
    ['identity.credential_key_file', files.credentialKeyFile],
    ['server.tls_cert', files.tlsCert],
    ['server.tls_key', files.tlsKey],
  ]
    .filter(([, v]) => v === undefined)
    .map(([k]) => k as string);
  if (missing.length > 0) return missing;
  return files as Files;
}

function startTimer(log: Logger, deps: ScheduledDeps): () => void {
  const timer = setInterval(() => {
    runScheduled(log, 'node-timer', Date.now(), deps).catch((err: unknown) =>
      log.error('scheduled run failed', { err }),
    );
  }, SCHEDULE_INTERVAL_MS);
  return () => clearInterval(timer);
}

/**
 * The API reads rules from `rule_catalog` (workerd has no rule files), so serve loads the bundled corpus
 * into it after migrations. A failure (e.g. a schema not yet migrated) is logged; serving goes on.
 */
async function syncRuleCatalogAtStart(db: Db, log: Logger): Promise<void> {
  try {
    // Imported here: the engine is only needed once, and `openwatch --help` should not load it.
    const { syncBundledRuleCatalog } = await import('../../core/node/rule-catalog.ts');
    await syncBundledRuleCatalog(db, log);
  } catch (err) {
    log.error('rule catalog sync failed', { err });
  }
}

export default defineCommand({
  usage: '[--config FILE] [--listen HOST:PORT] [--http-listen 127.0.0.1:PORT]',
  description:
    'With no database.dsn configured, serve runs in development mode: it starts an embedded PostgreSQL under\n' +
    'database.data_dir (default ./.openwatch), creates missing development secrets and a self-signed\n' +
    'certificate there, and migrates. With a DSN it requires identity.jwt_private_key,\n' +
    'identity.credential_key_file, server.tls_cert and server.tls_key.',
  options: [
    ...configOptions,
    listenOption,
    {
      name: 'http-listen',
      type: 'string',
      value: 'ADDR',
      description: 'Also serve plain HTTP on a loopback address',
    },
    {
      name: 'migrate',
      type: 'boolean',
      description: 'Apply pending migrations before serving (always in development mode)',
    },
    {
      name: 'no-runner',
      type: 'boolean',
      description: 'Do not run scans in this process (run `openwatch runner`)',
    },
    ...runnerOptions,
  ],
  async run(ctx) {
    const loaded = configFromContext(ctx);
    const config = loaded.config;
    const listen = loaded.config.server.listen;
    const runner = flag(ctx, 'no-runner') ? undefined : runnerSettings(ctx);
    const httpListen = stringOption(ctx, 'http-listen') ?? config.server.http_listen;
    if (httpListen && !/^(127\.\d+\.\d+\.\d+|\[::1\]|localhost):\d+$/.test(httpListen)) {
      ctx.stderr.write('openwatch serve: --http-listen may only use a loopback address\n');
      return 2;
    }
    const log = createLogger({ ...config.logging, write: (l) => ctx.stdout.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const stops: Array<() => Promise<void> | void> = [];
    if (database.embedded) stops.push(() => database.embedded?.server.stop());
    try {
      const files = requiredFiles(config, database);
      if (Array.isArray(files)) {
        ctx.stderr.write(`openwatch serve: refusing to start without: ${files.join(', ')}\n`);
        return 1;
      }
      loadJwtPrivateKey(files.jwtPrivateKey);
      loadCredentialKey(files.credentialKeyFile);
      if (database.embedded || flag(ctx, 'migrate')) {
        const applied = await migrate(database.dsn);
        if (applied.length > 0) log.info('migrations applied', { count: applied.length });
      }
      // Refuses a schema older or newer than this binary's before anything reads it.
      await assertSchemaCurrent(database.dsn);
      const db = poolDb(database.dsn, {
        max: config.database.max_connections,
        applicationName: 'openwatch-serve',
      });
      stops.unshift(() => db.close());
      await syncRuleCatalogAtStart(db, log);
      const { jwt_private_key: _jwt, credential_key_file: _cred, ...identitySettings } = config.identity;
      const identity = nodeIdentityRuntime({
        settings: identitySettings,
        jwtPrivateKeyFile: files.jwtPrivateKey,
        credentialKeyFile: files.credentialKeyFile,
      });
      const { metrics, handler: metricsHandler } = processMetrics(
        config,
        { db, pool: db.pool, certificateExpiry: () => certificateExpirySeconds(files.tlsCert) },
        log,
      );
      const reportKey = await serverReportKey(config.reports.key_file);
      const app = createApp({
        services: {
          runtime: 'node',
          runtimeVersion: process.version,
          buildInfo: nodeBuildInfo(),
          log,
          identity,
          sshKeys: nodeSshKeys,
          reportKey: async () => reportKey,
        },
        openDb: () => ({ db, release: async () => undefined }),
        maxBodyBytes: config.server.max_body_bytes,
        observe: (o) => metrics.httpRequest(o.method, o.route, o.status, o.seconds),
      });
      const server = await startServer({
        app,
        log,
        listen,
        tls: { cert: files.tlsCert, key: files.tlsKey },
        ...(httpListen ? { httpListen } : {}),
        maxBodyBytes: config.server.max_body_bytes,
        staticFiles: staticHandler(config.server.static_dir ?? UI_DIR),
        metrics: metricsHandler,
      });
      stops.unshift(() => server.close());
      stops.unshift(
        startTimer(log, {
          db,
          jobKey: () => identity.jobKey(),
          housekeeping: config.housekeeping,
          reportKey: async () => reportKey,
        }),
      );
      stops.unshift(startAuditAnchor(auditHeadFile(config), files.credentialKeyFile, db, log));
      if (runner) {
        // A single-node install needs one service: the runner shares the pool and keys.
        // Loaded here, not at start-up: every CLI invocation imports every command module.
        const { startRunner } = await import('../../runner/start.ts');
        const { deliveryPolicy } = await import('../../runner/notify/policy.ts');
        const loop = await startRunner({
          db,
          dsn: database.dsn,
          keys: identity,
          log,
          metrics,
          ...runner,
          allowLocalTransport: allowLocalTransport(config, database.embedded !== undefined),
          notify: deliveryPolicy(config.notifications),
        });
        stops.unshift(() => loop.stop(RUNNER_SHUTDOWN_DEADLINE_MS));
      }
      await firstRun(db, log, {
        listen,
        developmentMode: database.embedded !== undefined,
        jobKey: () => identity.jobKey(),
        out: ctx.stdout,
      });
      const where = database.embedded
        ? `development mode: embedded PostgreSQL in ${database.embedded.server.dir}, secrets in ${database.embedded.dataDir}`
        : 'production mode';
      ctx.stderr.write(
        `OpenWatch ${nodeBuildInfo().version} listening on ${server.urls.join(', ')} (${where})\n`,
      );
      await waitForAbort(ctx.signal);
      ctx.stderr.write('shutting down…\n');
      return 0;
    } finally {
      for (const stop of stops) await stop();
      if (database.embedded) ctx.stderr.write('embedded PostgreSQL stopped\n');
    }
  },
});
