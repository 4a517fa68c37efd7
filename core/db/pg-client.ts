import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.ts';
import { DatabaseUnavailable, driverError } from './unavailable.ts';

type PgQueryable = Pick<pg.ClientBase, 'query'>;

/** A client checked out of a pool (pg's or Neon's). */
interface CheckedOut extends PgQueryable {
  release(destroy?: Error | boolean): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

export const CONNECT_TIMEOUT_MS = 5_000;

export async function run<R extends object>(
  q: PgQueryable,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  try {
    const res = await q.query<R>(sql, params as unknown[] | undefined);
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  } catch (err) {
    throw driverError(err);
  }
}

export async function inTransaction<T>(client: PgQueryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await run(client, 'BEGIN');
  try {
    const result = await fn({ query: (sql, params) => run(client, sql, params) });
    await run(client, 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * A transaction on a client checked out of a pool, released afterwards. While checked out the pool no
 * longer listens for the client's 'error' event, so a connection lost between two statements (a
 * terminated backend, a server shut down) would be an unhandled 'error' that ends the process: we
 * listen for the whole checkout and hand a lost client back to be destroyed, not reused.
 */
export async function pooledTransaction<T>(
  pool: { connect(): Promise<CheckedOut> },
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  let client: CheckedOut;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new DatabaseUnavailable(err);
  }
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await inTransaction(client, fn);
  } finally {
    client.removeListener('error', onError);
    client.release(lost ?? false);
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
      try {
        await c.connect();
      } catch (err) {
        throw new DatabaseUnavailable(err);
      }
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
