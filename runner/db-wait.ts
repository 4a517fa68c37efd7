import { DatabaseUnavailable } from '../core/db/unavailable.ts';
import type { Logger } from '../core/log.ts';

const SECOND = 1000;
export const DB_RETRY_FIRST_MS = 0.5 * SECOND;
export const DB_RETRY_MAX_MS = 5 * SECOND;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs a database write, and while the database is unavailable retries it (0.5 s doubling to 5 s) until
 * it succeeds or `signal` aborts (shutdown, or the job's lease went to another runner). A scan's results
 * are kept in memory meanwhile rather than thrown away; writes that are idempotent (results, job outcome)
 * are safe to repeat after a commit whose acknowledgement was lost.
 */
export async function whenDatabaseBack<T>(
  what: string,
  write: () => Promise<T>,
  signal: AbortSignal,
  log: Logger,
): Promise<T> {
  let wait = DB_RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof DatabaseUnavailable) || signal.aborted) throw err;
      if (attempt === 1) log.warn('database unavailable; holding the write until it is back', { what });
    }
    await sleep(wait, signal);
    wait = Math.min(wait * 2, DB_RETRY_MAX_MS);
  }
}
