import type { Queryable } from '../types.ts';

/** Whether any holder of the admin role is active (neither disabled nor deleted). */
export async function activeAdminExists(q: Queryable): Promise<boolean> {
  const { rows } = await q.query(
    `select 1 from user_roles ur join users u on u.id = ur.user_id
     where ur.role = 'admin' and u.disabled_at is null and u.deleted_at is null limit 1`,
  );
  return rows.length > 0;
}

/** Retires every token not yet used, so only the newest link works. Returns how many were retired. */
export async function invalidateLiveSetupTokens(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(
    'update setup_tokens set invalidated_at = now() where used_at is null and invalidated_at is null',
  );
  return rowCount;
}

export async function insertSetupToken(q: Queryable, tokenHash: string, validSeconds: number): Promise<Date> {
  const { rows } = await q.query<{ expires_at: Date }>(
    `insert into setup_tokens (token_hash, expires_at) values ($1, now() + make_interval(secs => $2))
     returning expires_at`,
    [tokenHash, validSeconds],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into setup_tokens returned no row');
  return row.expires_at;
}

export interface LiveSetupToken {
  token_hash: string;
  expired: boolean;
}

/**
 * The newest token neither used nor replaced, locked until the transaction ends: two setups racing
 * queue here, and the second sees the first one's outcome.
 */
export async function lockLiveSetupToken(q: Queryable): Promise<LiveSetupToken | undefined> {
  const { rows } = await q.query<LiveSetupToken>(
    `select token_hash, expires_at <= now() as expired from setup_tokens
     where used_at is null and invalidated_at is null
     order by created_at desc limit 1 for update`,
  );
  return rows[0];
}

export async function markSetupTokenUsed(q: Queryable, tokenHash: string, userId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update setup_tokens set used_at = now(), used_by = $2
     where token_hash = $1 and used_at is null and invalidated_at is null`,
    [tokenHash, userId],
  );
  return rowCount === 1;
}
