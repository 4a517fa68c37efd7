import type { QueryKey } from '@tanstack/react-query';
import type { LiveEvent } from './live.ts';

/** Dashboard queries a finished scan or a host change moves (pages/dashboard/queries.ts). */
const FLEET: QueryKey[] = [
  ['/api/v1/posture'],
  ['/api/v1/posture/trend'],
  ['/api/v1/posture/top-failing'],
  ['/api/v1/changes'],
  ['/api/v1/fleet/summary'],
];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The query keys (prefixes; keys are API paths plus parameters) an event makes stale. Unknown kinds
 * make nothing stale: a page that shows them refetches on its own schedule.
 */
export function keysFor(e: LiveEvent): QueryKey[] {
  const host = e.host_id;
  const hostKeys: QueryKey[] = host ? [['/api/v1/hosts/{id}', host]] : [];
  const family = e.kind.split('.')[0];
  switch (family) {
    case 'scan': {
      const scanId = str(e.data.scan_id);
      const keys: QueryKey[] = [['/api/v1/scans'], ['/api/v1/fleet/summary'], ...hostKeys];
      if (scanId) keys.push(['/api/v1/scans/{id}', scanId]);
      if (e.kind === 'scan.completed') {
        keys.push(...FLEET, ['/api/v1/hosts']);
        if (scanId) keys.push(['/api/v1/scans/{id}/results', scanId]);
        if (host) keys.push(['/api/v1/hosts/{id}/results', host]);
      }
      return keys;
    }
    case 'rule':
    case 'drift':
    case 'score':
      return [['/api/v1/changes'], ['/api/v1/posture'], ...hostKeys];
    case 'host':
    case 'host_key':
      return [
        ['/api/v1/hosts'],
        ['/api/v1/fleet/summary'],
        ...hostKeys,
        ...(host ? [['/api/v1/hosts/{id}/host-keys', host]] : []),
      ];
    case 'exception':
      return [['/api/v1/exceptions'], ['/api/v1/posture']];
    case 'credential':
      return [['/api/v1/credentials']];
    case 'alert':
      return [['/api/v1/alerts'], ['/api/v1/alerts/unread-count']];
    default:
      return [];
  }
}
