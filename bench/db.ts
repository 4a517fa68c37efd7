import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../core/node/migrate.ts';

/** The server benchmarks use: OPENWATCH_TEST_DATABASE_URL, else postgres@127.0.0.1:5432. */
export const BENCH_ADMIN_URL =
  process.env.OPENWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database for one benchmark run; drop() removes it. */
export async function benchDatabase(): Promise<{ dsn: string; drop: () => Promise<void> }> {
  const name = `ow_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const u = new URL(BENCH_ADMIN_URL);
  u.pathname = `/${name}`;
  await migrate(u.toString());
  return { dsn: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
