import type { Queryable } from '../types.ts';

export async function replaceRecoveryCodes(
  q: Queryable,
  userId: string,
  hashes: readonly string[],
): Promise<void> {
  await q.query('delete from mfa_recovery_codes where user_id = $1', [userId]);
  await q.query('insert into mfa_recovery_codes (user_id, code_hash) select $1, unnest($2::text[])', [
    userId,
    hashes,
  ]);
}

/** Spends one unused code; false when it does not exist or was used already. */
export async function useRecoveryCode(q: Queryable, userId: string, hash: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update mfa_recovery_codes set used_at = now() where user_id = $1 and code_hash = $2 and used_at is null`,
    [userId, hash],
  );
  return rowCount > 0;
}

export async function remainingRecoveryCodes(q: Queryable, userId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'select count(*)::int as n from mfa_recovery_codes where user_id = $1 and used_at is null',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

export async function deleteRecoveryCodes(q: Queryable, userId: string): Promise<void> {
  await q.query('delete from mfa_recovery_codes where user_id = $1', [userId]);
}
