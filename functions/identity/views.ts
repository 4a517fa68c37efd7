import { z } from 'zod';
import type { UserRow } from '../../core/db/sql/users.ts';

/** A user as the API shows it: never the hash, never the MFA secret. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  display_name: z.string(),
  roles: z.array(z.string()),
  mfa_enabled: z.boolean(),
  disabled: z.boolean(),
  deleted: z.boolean(),
  password_changed_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserView = z.infer<typeof userSchema>;

export function userView(u: UserRow, roles: readonly string[]): UserView {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    display_name: u.display_name,
    roles: [...roles],
    mfa_enabled: u.mfa_enabled_at !== null,
    disabled: u.disabled_at !== null,
    deleted: u.deleted_at !== null,
    password_changed_at: u.password_changed_at.toISOString(),
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  };
}

export const idParams = z.object({ id: z.uuid() });

/** Opaque keyset cursors: base64url of the last key seen. */
export function encodeCursor(key: string): string {
  return btoa(key).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    return atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

export const problemSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), correlation_id: z.string() }),
});
