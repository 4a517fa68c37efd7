import type { PermissionName } from '../rbac/permissions.ts';
import { EVENT_KINDS, type EventKind } from './kinds.ts';

/** The permission that lets a user see events of a kind (by the kind's first segment). */
const PERMISSION_OF: Readonly<Record<string, PermissionName>> = {
  scan: 'scans:read',
  rule: 'results:read',
  score: 'results:read',
  drift: 'results:read',
  host: 'hosts:read',
  host_key: 'hosts:read',
  exception: 'exceptions:read',
  credential: 'credentials:read',
  alert: 'alerts:read',
  intel: 'hosts:read',
};

/** The event kinds a holder of these permissions may read (live stream, polling). */
export function readableKinds(permissions: ReadonlySet<PermissionName>): EventKind[] {
  return (Object.keys(EVENT_KINDS) as EventKind[]).filter((k) => {
    const p = PERMISSION_OF[k.split('.')[0] ?? ''];
    return p !== undefined && permissions.has(p);
  });
}
