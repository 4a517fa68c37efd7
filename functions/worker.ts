import { requestClientDb } from '../core/db/pg-client.ts';
import type { Db } from '../core/db/types.ts';
import { neonDb } from '../core/db/neon.ts';
import { createLogger } from '../core/log.ts';
import { importReportKeyPem, type ReportKey } from '../core/reports/key.ts';
import { VERSION } from '../core/version.ts';
import { createApp, type App } from './app.ts';
import { ApiError, errorResponse } from './http/errors.ts';
import { runScheduled } from './scheduled.ts';
import { workerIdentityRuntime, type IdentityEnv } from './worker-identity.ts';

export interface Env extends IdentityEnv {
  /** Hyperdrive binding (locally: `localConnectionString` in wrangler.toml). */
  HYPERDRIVE?: Hyperdrive;
  /** Direct connection string, used with DATABASE_DRIVER = "neon". A secret. */
  DATABASE_URL?: string;
  DATABASE_DRIVER?: 'pg' | 'neon';
  LOG_LEVEL?: 'debug' | 'info' | 'warn' | 'error';
  OPENWATCH_COMMIT?: string;
  OPENWATCH_BUILD_TIME?: string;
  /** The report signing key, PKCS#8 PEM (a secret); report snapshots are unsigned without it. */
  REPORT_SIGNING_KEY?: string;
}

function logger(env: Env) {
  return createLogger({ level: env.LOG_LEVEL ?? 'info', format: 'json' });
}

/** A client for one request or cron run; the caller closes it. */
function openDb(env: Env): Db {
  return env.DATABASE_DRIVER === 'neon' && env.DATABASE_URL
    ? neonDb(env.DATABASE_URL)
    : requestClientDb(env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL ?? '');
}

function reportKeyFrom(env: Env): () => Promise<ReportKey | undefined> {
  const pem = env.REPORT_SIGNING_KEY;
  return async () => (pem ? importReportKeyPem(pem) : undefined);
}

/** Built per request: the app holds no connection, and env is only known inside a handler. */
function appFor(env: Env): App {
  const log = logger(env);
  return createApp({
    services: {
      runtime: 'workerd',
      runtimeVersion: '',
      buildInfo: {
        version: VERSION,
        commit: env.OPENWATCH_COMMIT ?? 'unknown',
        build_time: env.OPENWATCH_BUILD_TIME ?? 'unknown',
      },
      log,
      identity: workerIdentityRuntime(env),
      reportKey: reportKeyFrom(env),
    },
    openDb: () => {
      const db = openDb(env);
      return { db, release: () => db.close() };
    },
  });
}

export default {
  async fetch(request, env, ctx) {
    // Cloudflare's edge sets CF-Connecting-IP (overwriting any the client sent).
    const clientIp = request.headers.get('cf-connecting-ip') ?? 'unknown';
    let app: App;
    try {
      app = appFor(env);
    } catch (err) {
      // A bad binding (e.g. an invalid OPENWATCH_IDENTITY_* var): logged, answered with the generic 500.
      logger(env).error('worker configuration is invalid', { err });
      return errorResponse(new ApiError(500, 'internal_error', 'internal server error'), crypto.randomUUID());
    }
    return app.fetch(request, (p) => ctx.waitUntil(p), { clientIp });
  },
  async scheduled(controller, env) {
    const db = openDb(env);
    try {
      await runScheduled(logger(env), controller.cron, controller.scheduledTime, {
        db,
        jobKey: () => workerIdentityRuntime(env).jobKey(),
        reportKey: reportKeyFrom(env),
      });
    } finally {
      await db.close();
    }
  },
} satisfies ExportedHandler<Env>;
