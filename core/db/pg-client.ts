import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.ts';

type PgQueryable = Pick<pg.ClientBase, 'query'>;

export const CONNECT_TIMEOUT_MS = 5_000;

export async function run<R extends object>(
  q: PgQueryable,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  const res = await q.query<R>(sql, params as unknown[] | undefined);
  return { rows: res.rows, rowCount: res.rowCount ?? 0 };
}

export async function inTransaction<T>(client: PgQueryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn({ query: (sql, params) => run(client, sql, params) });
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** A transaction on a client checked out of a pool (pg's or Neon's), released afterwards. */
export async function pooledTransaction<T>(
  pool: { connect(): Promise<PgQueryable & { release(): void }> },
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, fn);
  } finally {
    client.release();
  }
}

/**
 * One `pg` client for one request (workerd must not keep a connection across requests). It connects on
 * first use, so a request that never touches the database opens nothing; close() it via ctx.waitUntil.
 */
export function requestClientDb(connectionString: string): Db {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const get = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      // An error on an idle client (server restart) must not crash the isolate; the next query fails instead.
      c.on('error', () => undefined);
      await c.connect();
      client = c;
      return c;
    })();
    connecting.catch(() => {
      connecting = undefined;
    });
    return connecting;
  };
  return {
    query: async (sql, params) => run(await get(), sql, params),
    transaction: async (fn) => inTransaction(await get(), fn),
    close: async () => {
      const c = client;
      client = undefined;
      connecting = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
