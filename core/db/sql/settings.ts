import type { Queryable } from '../types.ts';

/** One system_settings document, or undefined when the key was never set. */
export async function getSetting(q: Queryable, key: string): Promise<unknown> {
  const { rows } = await q.query<{ value: unknown }>('select value from system_settings where key = $1', [
    key,
  ]);
  return rows[0]?.value;
}

export async function putSetting(q: Queryable, key: string, value: unknown): Promise<void> {
  await q.query(
    `insert into system_settings (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}
