import { PERMISSION_NAMES, type PermissionName } from './permissions.ts';

export const BUILTIN_ROLE_NAMES = ['viewer', 'auditor', 'operator', 'security_admin', 'admin'] as const;
export type BuiltinRoleName = (typeof BUILTIN_ROLE_NAMES)[number];

const VIEWER: PermissionName[] = [
  'hosts:read',
  'scans:read',
  'results:read',
  'rules:read',
  'exceptions:read',
  'reports:read',
  'alerts:read',
];

/**
 * Built-in roles. Their permissions live here, not in the database, so an upgrade that adds a
 * permission extends them; custom roles are rows in `roles`.
 */
export const BUILTIN_ROLES: Record<BuiltinRoleName, { description: string; permissions: PermissionName[] }> =
  {
    viewer: { description: 'Read-only access to hosts, scans, results and reports', permissions: VIEWER },
    auditor: {
      description: 'Viewer plus the audit log, accounts, roles and settings (read-only)',
      permissions: [
        ...VIEWER,
        'audit:read',
        'audit:export',
        'users:read',
        'roles:read',
        'settings:read',
        'credentials:read',
        'reports:export',
        'reports:create',
      ],
    },
    operator: {
      description:
        'Viewer plus running scans, watching the job queue and managing hosts, credentials, exceptions and alerts',
      permissions: [
        ...VIEWER,
        'hosts:manage',
        'credentials:read',
        'credentials:manage',
        'scans:run',
        'jobs:read',
        'exceptions:manage',
        'alerts:manage',
        'reports:export',
        'reports:create',
      ],
    },
    security_admin: {
      description: 'Accounts, roles, tokens, MFA policy and the audit log; approves exceptions',
      permissions: [
        ...VIEWER,
        'audit:read',
        'audit:export',
        'users:read',
        'users:manage',
        'roles:read',
        'roles:manage',
        'tokens:manage',
        'settings:read',
        'settings:manage',
        'exceptions:approve',
        'credentials:read',
      ],
    },
    admin: { description: 'Every permission', permissions: [...PERMISSION_NAMES] },
  };

export function isBuiltinRole(name: string): name is BuiltinRoleName {
  return (BUILTIN_ROLE_NAMES as readonly string[]).includes(name);
}

/**
 * Permissions that let their holder change who can do what. Holding any of them makes an account
 * "privileged": it needs a 15-character password, and the `admins` MFA policy applies to it.
 */
export const PRIVILEGED_PERMISSIONS: readonly PermissionName[] = ['users:manage', 'roles:manage'];

export function isPrivileged(perms: ReadonlySet<PermissionName>): boolean {
  return PRIVILEGED_PERMISSIONS.some((p) => perms.has(p));
}

/** A role as resolved for a principal: built-in from code, custom from its row. */
export interface RoleGrant {
  name: string;
  /** Set for custom roles only. */
  permissions: readonly string[] | null;
}

/** The union of the roles' permissions; unknown names (a permission removed from the registry) drop out. */
export function permissionsOf(roles: readonly RoleGrant[]): Set<PermissionName> {
  const out = new Set<PermissionName>();
  for (const role of roles) {
    const perms = isBuiltinRole(role.name) ? BUILTIN_ROLES[role.name].permissions : (role.permissions ?? []);
    for (const p of perms)
      if ((PERMISSION_NAMES as readonly string[]).includes(p)) out.add(p as PermissionName);
  }
  return out;
}

/** The permissions in `wanted` that `held` lacks: empty when granting `wanted` is allowed. */
export function missingPermissions(
  held: ReadonlySet<PermissionName>,
  wanted: Iterable<PermissionName>,
): PermissionName[] {
  return [...new Set(wanted)].filter((p) => !held.has(p)).sort();
}
