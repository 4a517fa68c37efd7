/**
 * The permission registry: every permission a route or action may require, as `category:action`.
 * docs/permissions.md is generated from this file (a test fails when it is stale).
 */
export const PERMISSIONS = {
  'hosts:read': 'List and view hosts, groups and their posture',
  'hosts:manage': 'Register, edit and remove hosts and groups',
  'credentials:read': 'List SSH credentials (metadata only; secrets are never returned)',
  'credentials:manage': 'Create, replace and delete SSH credentials',
  'scans:read': 'View scans and their progress',
  'scans:run': 'Start and cancel scans',
  'jobs:read': 'View the job queue: kinds, states, attempts, next runs, lease holders and errors',
  'results:read': 'View rule results, evidence, drift and posture history',
  'rules:read': 'View the rule corpus and frameworks',
  'exceptions:read': 'View rule exceptions',
  'exceptions:manage': 'Request and withdraw rule exceptions',
  'exceptions:approve': 'Approve or reject rule exceptions',
  'reports:read': 'View and download reports',
  'reports:create': 'Generate report snapshots and manage report schedules',
  'reports:export': 'Export results and reports in bulk',
  'alerts:read': 'View alerts and notification channels',
  'alerts:manage': 'Configure alert rules and notification channels',
  'settings:read': 'View system settings (including the MFA policy)',
  'settings:manage': 'Change system settings (including the MFA policy)',
  'audit:read': 'Search the audit log',
  'audit:export': 'Export the audit log as CSV or JSON',
  'users:read': 'List and view user accounts',
  'users:manage': 'Create, edit, disable, delete and unlock users; reset passwords and MFA; assign roles',
  'roles:read': 'List roles and the permission registry',
  'roles:manage': 'Create, edit and delete custom roles',
  'tokens:manage': "List and revoke any user's API tokens",
} as const;

export type PermissionName = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as PermissionName[];

export function isPermission(name: string): name is PermissionName {
  return Object.hasOwn(PERMISSIONS, name);
}

/**
 * What a route requires: a registry permission, `authenticated` (any signed-in principal, for the
 * caller's own account), or `public` (no credentials: probes, login, refresh).
 */
export type RouteAccess = PermissionName | 'authenticated' | 'public';
