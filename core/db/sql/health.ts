import type { Queryable } from '../types.ts';

/** True when the database answers a trivial query. */
export async function ping(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ ok: number }>('select 1 as ok');
  return rows[0]?.ok === 1;
}

/** Newest applied migration id, or 0 before the first migrate. */
export async function appliedSchemaVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ v: number | null }>(
    `select case when to_regclass('openwatch_migrations') is null then 0
            else (select coalesce(max(id), 0) from openwatch_migrations) end as v`,
  );
  return rows[0]?.v ?? 0;
}
