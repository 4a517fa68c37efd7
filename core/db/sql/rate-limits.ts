import type { Queryable } from '../types.ts';

export interface RateLimitHit {
  hits: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

/**
 * Counts one attempt against `key` in a fixed window of `windowSeconds`, starting a new window when the
 * old one has ended. One statement, so concurrent requests on any instance count correctly.
 */
export async function hitRateLimit(q: Queryable, key: string, windowSeconds: number): Promise<RateLimitHit> {
  const { rows } = await q.query<{ hits: number; retry: number }>(
    `insert into rate_limits as r (key, window_start, hits) values ($1, now(), 1)
     on conflict (key) do update set
       hits = case when r.window_start <= now() - make_interval(secs => $2) then 1 else r.hits + 1 end,
       window_start = case when r.window_start <= now() - make_interval(secs => $2) then now()
                      else r.window_start end
     returning hits,
       ceil(extract(epoch from (window_start + make_interval(secs => $2) - now())))::int as retry`,
    [key, windowSeconds],
  );
  const row = rows[0];
  return { hits: row?.hits ?? 1, retryAfterSeconds: Math.max(1, row?.retry ?? windowSeconds) };
}

/** Drops counters whose window ended long ago. */
export async function deleteStaleRateLimits(q: Queryable, olderThanSeconds: number): Promise<number> {
  const { rowCount } = await q.query(
    'delete from rate_limits where window_start < now() - make_interval(secs => $1)',
    [olderThanSeconds],
  );
  return rowCount;
}
