import { Pool } from '@neondatabase/serverless';
import { pooledTransaction, run } from './pg-client.ts';
import type { Db } from './types.ts';

/**
 * Neon's serverless driver (WebSocket transport), selected with driver = "neon". A pool of at most
 * `max` clients; on workerd create one per request and close it with ctx.waitUntil.
 */
export function neonDb(connectionString: string, max = 1): Db {
  const pool = new Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return {
    query: (sql, params) => run(pool, sql, params),
    transaction: (fn) => pooledTransaction(pool, fn),
    close: () => pool.end(),
  };
}
