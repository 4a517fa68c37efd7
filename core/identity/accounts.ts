import type { Queryable } from '../db/types.ts';
import { rolesByNames, setUserRoles } from '../db/sql/roles.ts';
import { insertUser, usernameTaken, type UserRow } from '../db/sql/users.ts';
import { isPrivileged, permissionsOf } from '../rbac/roles.ts';
import type { CommonPasswords } from './common-passwords.ts';
import { hashPassword } from './password-hash.ts';
import { checkPassword } from './password-policy.ts';

/** Usernames are case-insensitive: stored and compared lower-cased, NFKC-normalised. */
export function normaliseUsername(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export interface NewUser {
  username: string;
  email: string;
  displayName: string;
  password: string;
  roles: string[];
}

export type CreateUserResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'username_taken' | 'unknown_role' }
  | { ok: false; reason: 'weak_password'; messages: string[] };

/**
 * Creates an account with its roles in the caller's transaction, after the password policy (15
 * characters when the roles make the account privileged). Checking the roles' grant against the
 * creator's permissions is the caller's job (the CLI has no creator).
 */
export async function createUser(
  tx: Queryable,
  input: NewUser,
  common: CommonPasswords,
): Promise<CreateUserResult> {
  const username = normaliseUsername(input.username);
  const grants = await rolesByNames(tx, input.roles);
  if (grants.length !== new Set(input.roles).size) return { ok: false, reason: 'unknown_role' };
  const policy = checkPassword(input.password, {
    username,
    email: input.email,
    privileged: isPrivileged(permissionsOf(grants)),
    common,
  });
  if (!policy.ok) return { ok: false, reason: 'weak_password', messages: policy.messages };
  if (await usernameTaken(tx, username)) return { ok: false, reason: 'username_taken' };
  const user = await insertUser(tx, {
    username,
    email: input.email.trim(),
    displayName: input.displayName,
    passwordHash: await hashPassword(input.password),
  });
  await setUserRoles(tx, user.id, input.roles);
  return { ok: true, user };
}
