import type { Queryable } from '../types.ts';

export interface ApiTokenRow {
  id: string;
  user_id: string;
  username: string;
  name: string;
  role: string;
  hint: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = `t.id, t.user_id, u.username, t.name, t.role, t.hint, t.created_at, t.expires_at,
  t.last_used_at, t.revoked_at`;

export async function insertApiToken(
  q: Queryable,
  t: { userId: string; name: string; role: string; tokenHash: string; hint: string; expiresAt: Date | null },
): Promise<ApiTokenRow> {
  const { rows } = await q.query<ApiTokenRow>(
    `with t as (
       insert into api_tokens (user_id, name, role, token_hash, hint, expires_at)
       values ($1, $2, $3, $4, $5, $6) returning *)
     select ${COLUMNS} from t join users u on u.id = t.user_id`,
    [t.userId, t.name, t.role, t.tokenHash, t.hint, t.expiresAt],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into api_tokens returned no row');
  return row;
}

export interface ApiTokenAuth {
  id: string;
  user_id: string;
  username: string;
  role: string;
  role_permissions: string[] | null;
  /** Not revoked, not expired, and its owner is active. */
  active: boolean;
}

export async function apiTokenByHash(q: Queryable, tokenHash: string): Promise<ApiTokenAuth | undefined> {
  const { rows } = await q.query<ApiTokenAuth>(
    `select t.id, t.user_id, u.username, t.role, r.permissions as role_permissions,
       (t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
        and u.disabled_at is null and u.deleted_at is null) as active
     from api_tokens t join users u on u.id = t.user_id join roles r on r.name = t.role
     where t.token_hash = $1`,
    [tokenHash],
  );
  return rows[0];
}

/** Records use, at most once a minute per token. */
export async function touchApiToken(q: Queryable, id: string): Promise<void> {
  await q.query(
    `update api_tokens set last_used_at = now()
     where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
    [id],
  );
}

/** Tokens of one user, or of everyone when userId is null; newest first. */
export async function listApiTokens(q: Queryable, userId: string | null): Promise<ApiTokenRow[]> {
  const { rows } = await q.query<ApiTokenRow>(
    `select ${COLUMNS} from api_tokens t join users u on u.id = t.user_id
     where $1::uuid is null or t.user_id = $1 order by t.created_at desc, t.id limit 1000`,
    [userId],
  );
  return rows;
}

export async function apiTokenById(q: Queryable, id: string): Promise<ApiTokenRow | undefined> {
  const { rows } = await q.query<ApiTokenRow>(
    `select ${COLUMNS} from api_tokens t join users u on u.id = t.user_id where t.id = $1`,
    [id],
  );
  return rows[0];
}

export async function revokeApiToken(q: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'update api_tokens set revoked_at = now() where id = $1 and revoked_at is null',
    [id],
  );
  return rowCount > 0;
}

export async function revokeUserApiTokens(q: Queryable, userId: string): Promise<number> {
  const { rowCount } = await q.query(
    'update api_tokens set revoked_at = now() where user_id = $1 and revoked_at is null',
    [userId],
  );
  return rowCount;
}
