import { storableText, truncateText } from '../../text.ts';
import type { Liveness, Observation } from '../../fleet/liveness.ts';
import type { Queryable } from '../types.ts';

/** What discovery learnt about a host; null where the host did not say. */
export interface DiscoveredFacts {
  osFamily: string | null;
  osId: string | null;
  osVersion: string | null;
  osName: string | null;
  kernel: string | null;
  uptimeSeconds: number | null;
  packageCount: number | null;
}

/** Stores discovery's facts on a live host; false when the host is gone. */
export async function recordDiscovery(q: Queryable, hostId: string, f: DiscoveredFacts): Promise<boolean> {
  const { rowCount } = await q.query(
    `update hosts set os_family = $2, os_id = $3, os_version = $4, os_name = $5, kernel = $6,
       uptime_seconds = $7, package_count = $8, discovered_at = now()
     where id = $1 and deleted_at is null`,
    [hostId, f.osFamily, f.osId, f.osVersion, f.osName, f.kernel, f.uptimeSeconds, f.packageCount],
  );
  return rowCount > 0;
}

export interface LivenessRow {
  liveness: Liveness;
  liveness_observed: Observation | null;
}

/** A live host's liveness state, locked until the transaction ends (checks of one host serialise). */
export async function livenessForUpdate(q: Queryable, hostId: string): Promise<LivenessRow | undefined> {
  const { rows } = await q.query<LivenessRow>(
    'select liveness, liveness_observed from hosts where id = $1 and deleted_at is null for update',
    [hostId],
  );
  return rows[0];
}

export async function recordLiveness(
  q: Queryable,
  hostId: string,
  r: { state: Liveness; observed: Observation; detail: string | null },
): Promise<void> {
  await q.query(
    `update hosts set liveness = $2, liveness_observed = $3, liveness_detail = $4, liveness_checked_at = now()
     where id = $1`,
    [hostId, r.state, r.observed, r.detail === null ? null : truncateText(storableText(r.detail), 1000)],
  );
}
