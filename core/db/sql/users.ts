import type { Queryable } from '../types.ts';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  display_name: string;
  password_hash: string;
  password_changed_at: Date;
  mfa_secret: string | null;
  mfa_enabled_at: Date | null;
  mfa_last_step: string | null;
  disabled_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, username, email, display_name, password_hash, password_changed_at, mfa_secret,
  mfa_enabled_at, mfa_last_step, disabled_at, deleted_at, created_at, updated_at`;

export async function insertUser(
  q: Queryable,
  u: { username: string; email: string; displayName: string; passwordHash: string },
): Promise<UserRow> {
  const { rows } = await q.query<UserRow>(
    `insert into users (username, email, display_name, password_hash) values ($1, $2, $3, $4)
     returning ${COLUMNS}`,
    [u.username, u.email, u.displayName, u.passwordHash],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

/** A user by name, deleted ones excluded. */
export async function userByUsername(q: Queryable, username: string): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    `select ${COLUMNS} from users where username = $1 and deleted_at is null`,
    [username],
  );
  return rows[0];
}

export async function usernameTaken(q: Queryable, username: string): Promise<boolean> {
  const { rows } = await q.query('select 1 from users where username = $1', [username]);
  return rows.length > 0;
}

/** A user by id, deleted ones excluded. */
export async function userById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    `select ${COLUMNS} from users where id = $1 and deleted_at is null`,
    [id],
  );
  return rows[0];
}

/** Keyset page ordered by username: rows after `after`, at most `limit`. */
export async function listUsers(
  q: Queryable,
  opts: { after: string | undefined; limit: number; includeDeleted: boolean },
): Promise<UserRow[]> {
  const { rows } = await q.query<UserRow>(
    `select ${COLUMNS} from users
     where ($1::text is null or username > $1) and ($2::boolean or deleted_at is null)
     order by username limit $3`,
    [opts.after ?? null, opts.includeDeleted, opts.limit],
  );
  return rows;
}

export async function updateUserProfile(
  q: Queryable,
  id: string,
  p: { email: string | undefined; displayName: string | undefined },
): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    `update users set email = coalesce($2, email), display_name = coalesce($3, display_name), updated_at = now()
     where id = $1 and deleted_at is null returning ${COLUMNS}`,
    [id, p.email ?? null, p.displayName ?? null],
  );
  return rows[0];
}

export async function setPasswordHash(q: Queryable, id: string, hash: string): Promise<void> {
  await q.query(
    `update users set password_hash = $2, password_changed_at = now(), updated_at = now() where id = $1`,
    [id, hash],
  );
}

/** Rehash on login with stronger parameters; keeps password_changed_at. */
export async function replacePasswordHash(
  q: Queryable,
  id: string,
  oldHash: string,
  hash: string,
): Promise<void> {
  await q.query('update users set password_hash = $3 where id = $1 and password_hash = $2', [
    id,
    oldHash,
    hash,
  ]);
}

export async function setDisabled(q: Queryable, id: string, disabled: boolean): Promise<boolean> {
  const { rowCount } = await q.query(
    `update users set disabled_at = case when $2 then coalesce(disabled_at, now()) else null end, updated_at = now()
     where id = $1 and deleted_at is null`,
    [id, disabled],
  );
  return rowCount > 0;
}

export async function softDeleteUser(q: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update users set deleted_at = now(), disabled_at = coalesce(disabled_at, now()), updated_at = now()
     where id = $1 and deleted_at is null`,
    [id],
  );
  return rowCount > 0;
}

/** Stores a new pending TOTP secret (not yet enabled). */
export async function setPendingMfaSecret(q: Queryable, id: string, envelope: string): Promise<void> {
  await q.query(
    `update users set mfa_secret = $2, mfa_enabled_at = null, mfa_last_step = null, updated_at = now()
     where id = $1`,
    [id, envelope],
  );
}

export async function enableMfa(q: Queryable, id: string, step: number): Promise<void> {
  await q.query(
    `update users set mfa_enabled_at = now(), mfa_last_step = $2, updated_at = now() where id = $1`,
    [id, step],
  );
}

export async function clearMfa(q: Queryable, id: string): Promise<void> {
  await q.query(
    `update users set mfa_secret = null, mfa_enabled_at = null, mfa_last_step = null, updated_at = now()
     where id = $1`,
    [id],
  );
}

/**
 * Records `step` as the last TOTP step used, only if it is newer than the one stored: false means the
 * code was already used (a replay within its window).
 */
export async function claimTotpStep(q: Queryable, id: string, step: number): Promise<boolean> {
  const { rowCount } = await q.query(
    `update users set mfa_last_step = $2 where id = $1 and (mfa_last_step is null or mfa_last_step < $2)`,
    [id, step],
  );
  return rowCount > 0;
}
