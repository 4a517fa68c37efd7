import pg from 'pg';
import { CONNECT_TIMEOUT_MS, pooledTransaction, run } from './pg-client.ts';
import type { Db } from './types.ts';

export interface PoolOptions {
  max: number;
  /** Reported in pg_stat_activity. */
  applicationName?: string;
}

/** The Node runtime's database: one pg.Pool for the process. */
export function poolDb(connectionString: string, options: PoolOptions): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: options.max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'openwatch',
  });
  // Idle clients that lose their server (restart, failover) emit here; the pool drops them and reconnects.
  pool.on('error', () => undefined);
  return {
    pool,
    query: (sql, params) => run(pool, sql, params),
    transaction: (fn) => pooledTransaction(pool, fn),
    close: () => pool.end(),
  };
}
