import { emitLivenessChanged } from '../core/events/host-events.ts';
import { livenessForUpdate, recordLiveness } from '../core/db/sql/discovery.ts';
import type { Db } from '../core/db/types.ts';
import { decideLiveness, type Liveness, type Observation } from '../core/fleet/liveness.ts';

/**
 * Records one observation of a host (from a liveness check, or a scan that could not reach it) through
 * the same hysteresis, with the host row locked. Undefined when the host is gone.
 */
export async function observeLiveness(
  db: Db,
  hostId: string,
  observed: Observation,
  detail: string | null,
): Promise<{ state: Liveness; previous: Liveness; changed: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const row = await livenessForUpdate(tx, hostId);
    if (!row) return undefined;
    const d = decideLiveness({ state: row.liveness, lastObserved: row.liveness_observed }, observed);
    await recordLiveness(tx, hostId, { state: d.state, observed, detail });
    if (d.changed) await emitLivenessChanged(tx, hostId, row.liveness, d.state, detail);
    return { state: d.state, previous: row.liveness, changed: d.changed };
  });
}
