import { audit } from '../../core/audit/append.ts';
import { countOtherActiveAdmins, roleByName, rolesOfUser } from '../../core/db/sql/roles.ts';
import { userById, type UserRow } from '../../core/db/sql/users.ts';
import type { Db, Queryable } from '../../core/db/types.ts';
import type { PermissionName } from '../../core/rbac/permissions.ts';
import { missingPermissions, permissionsOf } from '../../core/rbac/roles.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import { ApiError } from '../http/errors.ts';

export interface Target {
  user: UserRow;
  roles: string[];
  permissions: Set<PermissionName>;
}

export async function loadTarget(q: Queryable, id: string): Promise<Target> {
  const user = await userById(q, id);
  if (!user) throw new ApiError(404, 'not_found', 'no such user');
  const grants = await rolesOfUser(q, id);
  return { user, roles: grants.map((g) => g.name), permissions: permissionsOf(grants) };
}

async function deny(db: Db, actor: Principal, ip: string, reason: string, details: Record<string, unknown>) {
  await audit(db, { code: 'authz.denied', actor: actorOf(actor), ip, details: { reason, ...details } });
}

/**
 * Nobody grants a permission they do not hold: roles given to a user or a token, and permissions put
 * into a custom role, must be a subset of the actor's own. Refusals are audited.
 */
export async function assertCanGrant(
  db: Db,
  actor: Principal,
  ip: string,
  wanted: Iterable<PermissionName>,
  what: string,
): Promise<void> {
  const missing = missingPermissions(actor.permissions, wanted);
  if (missing.length === 0) return;
  await deny(db, actor, ip, 'grant_exceeds_own', { what, missing });
  throw new ApiError(403, 'cannot_grant', 'you cannot grant permissions you do not hold', { missing });
}

/**
 * Managing an account that holds permissions the actor lacks (resetting an admin's password, say)
 * would be a way to gain them, so it is refused.
 */
export async function assertCanManage(db: Db, actor: Principal, ip: string, target: Target, what: string) {
  const missing = missingPermissions(actor.permissions, target.permissions);
  if (missing.length === 0) return;
  await deny(db, actor, ip, 'target_more_privileged', { what, target_user: target.user.id, missing });
  throw new ApiError(403, 'target_more_privileged', 'that account holds permissions you do not', { missing });
}

/**
 * The same rule for API tokens. Revoking a token acts on its power: on one of your own tokens you need
 * every permission it carries (its role ∩ your roles), so a viewer-role token cannot revoke its owner's
 * admin token; on someone else's you need every permission of its owner, as for any other action on them.
 */
export async function assertCanManageToken(
  db: Db,
  actor: Principal,
  ip: string,
  token: { id: string; user_id: string; role: string },
): Promise<void> {
  const owner = await loadTarget(db, token.user_id);
  const role = await roleByName(db, token.role);
  const carried = role ? permissionsOf([role]) : new Set<PermissionName>();
  const needed =
    token.user_id === actor.userId ? [...carried].filter((p) => owner.permissions.has(p)) : owner.permissions;
  const missing = missingPermissions(actor.permissions, needed);
  if (missing.length === 0) return;
  await deny(db, actor, ip, 'target_more_privileged', {
    what: 'revoke API token',
    target_token_id: token.id,
    target_user: token.user_id,
    missing,
  });
  throw new ApiError(403, 'target_more_privileged', 'that token or its owner holds permissions you do not', {
    missing,
  });
}

export function assertNotSelf(actor: Principal, target: Target, what: string): void {
  if (actor.userId === target.user.id)
    throw new ApiError(409, 'self_action', `you cannot ${what} your own account`);
}

/** Refuses a change that would leave no active holder of the admin role. */
export async function assertAdminRemains(q: Queryable, target: Target, losesAdmin: boolean): Promise<void> {
  if (!losesAdmin || !target.roles.includes('admin')) return;
  if ((await countOtherActiveAdmins(q, target.user.id)) === 0)
    throw new ApiError(409, 'last_admin', 'this is the last active administrator');
}
