import type { Queryable } from '../types.ts';

export const LOCAL_HOST = {
  hostname: 'localhost',
  environment: 'development',
  description: 'this machine',
} as const;

/**
 * Registers this machine as the one `local` host unless one was ever registered (a deleted one too, so
 * deleting it sticks) or the name is taken by an SSH host. Returns the new id, or undefined.
 */
export async function insertLocalHostOnce(q: Queryable): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `insert into hosts (hostname, environment, address, port, description, use_sudo, transport)
     values ($1, $2, $1, 22, $3, false, 'local')
     on conflict do nothing returning id`,
    [LOCAL_HOST.hostname, LOCAL_HOST.environment, LOCAL_HOST.description],
  );
  return rows[0]?.id;
}
