export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs a parameterised statement: a pool, a per-request client, or a transaction. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/**
 * The one database interface both runtimes implement: `pg.Pool` on Node, a per-request client on workerd.
 * SQL lives in named functions per area (core/db/sql/*) that take a Queryable.
 */
export interface Db extends Queryable {
  /** Runs fn inside BEGIN/COMMIT on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE codes we act on, named rather than matched by message text. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  undefinedTable: '42P01',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
  crashShutdown: '57P02',
  idleSessionTimeout: '57P05',
  tooManyConnections: '53300',
  protocolViolation: '08P01',
} as const;

export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}
