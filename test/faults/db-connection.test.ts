import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailable, isConnectionLoss } from '../../core/db/unavailable.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';

/** The busy connection is ours: a backend of this file's own database, terminated from another session. */
async function terminate(t: TestDatabase, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: t.dsn });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

async function backendGone(t: TestDatabase, pid: number): Promise<true | undefined> {
  const { rows } = await t.db.query('select 1 from pg_stat_activity where pid = $1', [pid]);
  return rows.length === 0 ? true : undefined;
}

describe('a database connection lost under a checked-out client', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('fails the transaction with DatabaseUnavailable and leaves the process and the pool working', async () => {
    let pid = 0;
    const outcome = t.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      pid = rows[0]?.pid ?? 0;
      await terminate(t, pid);
      // The server's FATAL 57P01 arrives while no statement is running: before the guard this was an
      // unhandled 'error' event on the checked-out client, and vitest reports it as an uncaught error.
      await waitFor(() => backendGone(t, pid), 10_000, 'backend still alive');
      await new Promise((r) => setTimeout(r, 100));
      await tx.query('select 1');
    });
    await expect(outcome).rejects.toBeInstanceOf(DatabaseUnavailable);
    const { rows } = await t.db.query<{ one: number }>('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('fails a statement whose backend is terminated while it runs, then serves the next one', async () => {
    const sleeping = t.db.query('select pg_sleep(30)').catch((e: unknown) => e);
    const busy = await waitFor(
      async () => {
        const { rows } = await t.db.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database()
            and query = 'select pg_sleep(30)' and pid <> pg_backend_pid()`,
        );
        return rows[0]?.pid;
      },
      10_000,
      'the busy backend to appear',
    );
    await terminate(t, busy);
    expect(await sleeping).toBeInstanceOf(DatabaseUnavailable);
    expect((await t.db.query('select 1')).rowCount).toBe(1);
  });

  it('tells lost connections from wrong statements by SQLSTATE and error type, not by message', async () => {
    const wrong = await t.db.query('select * from no_such_table').catch((e: unknown) => e);
    expect(wrong).not.toBeInstanceOf(DatabaseUnavailable);
    expect(isConnectionLoss(wrong)).toBe(false);
    const dup = await t.db
      .query(`select 1 / 0`)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(isConnectionLoss(dup)).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: '57P01', severity: 'FATAL' }))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: '08006', severity: 'FATAL' }))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: '08P01', severity: 'ERROR' }))).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionLoss(new TypeError('bad parameter'))).toBe(false);
  });

  it('answers an unreachable server as DatabaseUnavailable', async () => {
    const { poolDb } = await import('../../core/db/node-pool.ts');
    const url = new URL(t.dsn);
    url.port = '1';
    const gone = poolDb(url.toString(), { max: 1 });
    try {
      await expect(gone.query('select 1')).rejects.toBeInstanceOf(DatabaseUnavailable);
      await expect(gone.transaction(async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailable);
    } finally {
      await gone.close();
    }
  });
});
