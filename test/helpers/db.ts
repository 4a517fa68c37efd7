import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { poolDb } from '../../core/db/node-pool.ts';
import type { Db } from '../../core/db/types.ts';
import { migrate } from '../../core/node/migrate.ts';

export interface TestDatabase {
  /** Connection string of this file's own database. */
  dsn: string;
  db: Db;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the test server; migrated unless `migrated: false`. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `ow_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const dsn = withDatabase(inject('adminDatabaseUrl'), name);
  if (options.migrated !== false) await migrate(dsn);
  const db = poolDb(dsn, { max: 5, applicationName: 'openwatch-test' });
  return {
    dsn,
    db,
    drop: async () => {
      await db.close();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
