import { audit, type AuditActor } from '../../core/audit/append.ts';
import { hitRateLimit } from '../../core/db/sql/rate-limits.ts';
import type { Db } from '../../core/db/types.ts';
import { ApiError } from '../http/errors.ts';

export interface Limit {
  /** e.g. `login:ip:203.0.113.9`, `login:user:alice`. */
  key: string;
  max: number;
  windowSeconds: number;
}

export function tooManyRequests(code: 'rate_limited' | 'locked_out', retryAfterSeconds: number): ApiError {
  const message =
    code === 'locked_out'
      ? 'too many failed attempts: this account is locked for a while'
      : 'too many attempts: slow down';
  return new ApiError(
    429,
    code,
    message,
    { retry_after_seconds: retryAfterSeconds },
    {
      'retry-after': String(retryAfterSeconds),
    },
  );
}

/**
 * Counts one attempt against each limit (in PostgreSQL, so every instance shares the counts) and
 * refuses with 429 + Retry-After once any is over. The first refusal in a window is audited.
 */
export async function enforceLimits(
  db: Db,
  limits: readonly Limit[],
  who: { actor: AuditActor; ip: string; what: string },
): Promise<void> {
  for (const limit of limits) {
    const hit = await hitRateLimit(db, limit.key, limit.windowSeconds);
    if (hit.hits <= limit.max) continue;
    if (hit.hits === limit.max + 1) {
      await audit(db, {
        code: 'auth.login.rate_limited',
        actor: who.actor,
        ip: who.ip,
        details: { limit: limit.key, max: limit.max, window_seconds: limit.windowSeconds, attempt: who.what },
      });
    }
    throw tooManyRequests('rate_limited', hit.retryAfterSeconds);
  }
}
