import type { Queryable } from '../types.ts';

/** Arbitrary constant for pg_advisory_lock: "openwatch migrate". Every migrator takes the same lock. */
export const MIGRATION_LOCK_ID = 7_260_311_442;

export interface AppliedMigration {
  id: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export async function serverVersionNum(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  return Number(rows[0]?.v ?? 0);
}

export async function lockMigrations(db: Queryable): Promise<void> {
  await db.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
}

export async function unlockMigrations(db: Queryable): Promise<void> {
  await db.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_ID]);
}

export async function ensureMigrationsTable(db: Queryable): Promise<void> {
  await db.query(`create table if not exists openwatch_migrations (
    id integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
}

/** Empty when the table does not exist yet (nothing applied). */
export async function appliedMigrations(db: Queryable): Promise<AppliedMigration[]> {
  const { rows } = await db.query<{ present: boolean }>(
    `select to_regclass('openwatch_migrations') is not null as present`,
  );
  if (!rows[0]?.present) return [];
  const res = await db.query<AppliedMigration>(
    'select id, name, checksum, applied_at from openwatch_migrations order by id',
  );
  return res.rows;
}

/** Recorded first inside the migration's transaction, so a racing migrator would collide on the key. */
export async function recordMigration(
  db: Queryable,
  id: number,
  name: string,
  checksum: string,
): Promise<void> {
  await db.query('insert into openwatch_migrations (id, name, checksum) values ($1, $2, $3)', [
    id,
    name,
    checksum,
  ]);
}
