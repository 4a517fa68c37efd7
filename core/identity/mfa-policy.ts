import { z } from 'zod';
import { getSetting, putSetting } from '../db/sql/settings.ts';
import type { Queryable } from '../db/types.ts';
import type { PermissionName } from '../rbac/permissions.ts';
import { isPrivileged } from '../rbac/roles.ts';

/** system_settings key of the MFA policy: who must have a second factor before doing anything else. */
export const MFA_POLICY_KEY = 'identity.mfa_policy';

export const mfaPolicySchema = z.object({ require: z.enum(['none', 'admins', 'all']) }).strict();
export type MfaPolicy = z.infer<typeof mfaPolicySchema>;
export const DEFAULT_MFA_POLICY: MfaPolicy = { require: 'none' };

export async function readMfaPolicy(q: Queryable): Promise<MfaPolicy> {
  const parsed = mfaPolicySchema.safeParse(await getSetting(q, MFA_POLICY_KEY));
  return parsed.success ? parsed.data : DEFAULT_MFA_POLICY;
}

export async function writeMfaPolicy(q: Queryable, policy: MfaPolicy): Promise<void> {
  await putSetting(q, MFA_POLICY_KEY, policy);
}

/** Whether the policy demands MFA of an account holding `perms` ("admins" = privileged accounts). */
export function mfaRequired(policy: MfaPolicy, perms: ReadonlySet<PermissionName>): boolean {
  return policy.require === 'all' || (policy.require === 'admins' && isPrivileged(perms));
}
