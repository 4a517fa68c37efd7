import type { Queryable } from '../types.ts';

export interface PreviousFacts {
  discovered_at: Date | null;
  os_id: string | null;
  os_version: string | null;
  kernel: string | null;
}

/** A live host's last discovered facts, locked until the transaction ends. */
export async function discoveredFactsForUpdate(
  q: Queryable,
  hostId: string,
): Promise<PreviousFacts | undefined> {
  const { rows } = await q.query<PreviousFacts>(
    `select discovered_at, os_id, os_version, kernel from hosts where id = $1 and deleted_at is null for update`,
    [hostId],
  );
  return rows[0];
}
