import type { RoleGrant } from '../../rbac/roles.ts';
import type { Queryable } from '../types.ts';

export interface RoleRow {
  name: string;
  description: string;
  builtin: boolean;
  permissions: string[] | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'name, description, builtin, permissions, created_at, updated_at';

export async function listRoles(q: Queryable): Promise<RoleRow[]> {
  const { rows } = await q.query<RoleRow>(`select ${COLUMNS} from roles order by builtin desc, name`);
  return rows;
}

export async function roleByName(q: Queryable, name: string): Promise<RoleRow | undefined> {
  const { rows } = await q.query<RoleRow>(`select ${COLUMNS} from roles where name = $1`, [name]);
  return rows[0];
}

export async function rolesByNames(q: Queryable, names: readonly string[]): Promise<RoleGrant[]> {
  const { rows } = await q.query<RoleGrant>(
    'select name, permissions from roles where name = any($1::text[])',
    [names],
  );
  return rows;
}

export async function insertRole(
  q: Queryable,
  r: { name: string; description: string; permissions: string[] },
): Promise<RoleRow | undefined> {
  const { rows } = await q.query<RoleRow>(
    `insert into roles (name, description, permissions) values ($1, $2, $3::text[])
     on conflict (name) do nothing returning ${COLUMNS}`,
    [r.name, r.description, r.permissions],
  );
  return rows[0];
}

export async function updateRole(
  q: Queryable,
  name: string,
  r: { description: string | undefined; permissions: string[] | undefined },
): Promise<RoleRow | undefined> {
  const { rows } = await q.query<RoleRow>(
    `update roles set description = coalesce($2, description), permissions = coalesce($3::text[], permissions),
       updated_at = now()
     where name = $1 and not builtin returning ${COLUMNS}`,
    [name, r.description ?? null, r.permissions ?? null],
  );
  return rows[0];
}

/**
 * Deletes a custom role, with the revoked or expired API tokens still bound to it (their history stays
 * in the audit log). Callers refuse first while a live token is bound (roleTokenCount).
 */
export async function deleteRole(q: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `with dead as (
       delete from api_tokens where role = $1 and (revoked_at is not null or expires_at <= now()))
     delete from roles where name = $1 and not builtin`,
    [name],
  );
  return rowCount > 0;
}

/** Roles held by a user, with custom roles' permissions. */
export async function rolesOfUser(q: Queryable, userId: string): Promise<RoleGrant[]> {
  const { rows } = await q.query<RoleGrant>(
    `select r.name, r.permissions from user_roles ur join roles r on r.name = ur.role
     where ur.user_id = $1 order by r.name`,
    [userId],
  );
  return rows;
}

export async function setUserRoles(q: Queryable, userId: string, roles: readonly string[]): Promise<void> {
  await q.query('delete from user_roles where user_id = $1 and role <> all($2::text[])', [userId, roles]);
  await q.query(
    `insert into user_roles (user_id, role) select $1, unnest($2::text[]) on conflict do nothing`,
    [userId, roles],
  );
}

/** Active (not disabled, not deleted) holders of the admin role, other than `exceptUserId`. */
export async function countOtherActiveAdmins(q: Queryable, exceptUserId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from user_roles ur join users u on u.id = ur.user_id
     where ur.role = 'admin' and u.id <> $1 and u.disabled_at is null and u.deleted_at is null`,
    [exceptUserId],
  );
  return rows[0]?.n ?? 0;
}

/** How many live API tokens are bound to a role (a role in use cannot be deleted). */
export async function roleTokenCount(q: Queryable, name: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from api_tokens
     where role = $1 and revoked_at is null and (expires_at is null or expires_at > now())`,
    [name],
  );
  return rows[0]?.n ?? 0;
}

/** Role names per user, for a page of users in one statement. */
export async function roleNamesOfUsers(
  q: Queryable,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const { rows } = await q.query<{ user_id: string; role: string }>(
    'select user_id, role from user_roles where user_id = any($1::uuid[]) order by role',
    [userIds],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role]);
  return out;
}
