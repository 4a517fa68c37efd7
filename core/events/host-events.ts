import { recordDiscovery, type DiscoveredFacts } from '../db/sql/discovery.ts';
import { discoveredFactsForUpdate } from '../db/sql/host-events.ts';
import type { Db, Queryable } from '../db/types.ts';
import type { Liveness } from '../fleet/liveness.ts';
import { emitEvents } from './emit.ts';
import { links, type Severity } from './kinds.ts';

const LIVENESS_SEVERITY: Record<Liveness, Severity | null> = {
  unknown: null,
  online: null,
  degraded: 'medium',
  critical: 'high',
  down: 'critical',
};

/** `host.liveness_changed` in the transaction that records the new band. */
export async function emitLivenessChanged(
  tx: Queryable,
  hostId: string,
  from: Liveness,
  to: Liveness,
  detail: string | null,
): Promise<void> {
  await emitEvents(tx, [
    {
      kind: 'host.liveness_changed',
      hostId,
      severity: LIVENESS_SEVERITY[to],
      link: links.host(hostId),
      data: { from, to, detail },
    },
  ]);
}

/**
 * Stores discovery's facts with `host.discovered` (first time) or `host.facts_changed` (OS or kernel
 * differ from last time) in one transaction; false when the host is gone.
 */
export function recordDiscoveryWithEvents(db: Db, hostId: string, f: DiscoveredFacts): Promise<boolean> {
  return db.transaction(async (tx) => {
    const before = await discoveredFactsForUpdate(tx, hostId);
    if (!before || !(await recordDiscovery(tx, hostId, f))) return false;
    const facts = { os_id: f.osId, os_version: f.osVersion, kernel: f.kernel };
    if (before.discovered_at === null) {
      await emitEvents(tx, [{ kind: 'host.discovered', hostId, link: links.host(hostId), data: facts }]);
    } else if (before.os_id !== f.osId || before.os_version !== f.osVersion || before.kernel !== f.kernel) {
      const previous = { os_id: before.os_id, os_version: before.os_version, kernel: before.kernel };
      await emitEvents(tx, [
        { kind: 'host.facts_changed', hostId, link: links.host(hostId), data: { previous, current: facts } },
      ]);
    }
    return true;
  });
}
