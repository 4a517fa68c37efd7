import pg from 'pg';
import { requestAlertEvaluation } from '../core/alerts/jobs.ts';
import type { JobKey } from '../core/crypto/job-signing.ts';
import { EVENTS_CHANNEL } from '../core/db/sql/events.ts';
import type { Db } from '../core/db/types.ts';
import type { Logger } from '../core/log.ts';

/** Notifications arriving within this long are answered with one evaluation request. */
const DEBOUNCE_MS = 100;

export interface EventWatch {
  stop(): Promise<void>;
}

/**
 * Queues an alert evaluation whenever events are appended (their NOTIFY), so alerts follow events in
 * well under a second wherever the event was written (API on workerd, another runner). The scheduler's
 * periodic request (functions/scheduled.ts) covers a missed notification or a runner-less moment.
 */
export async function watchEvents(o: {
  db: Db;
  dsn: string;
  jobKey: JobKey;
  log: Logger;
}): Promise<EventWatch> {
  let timer: NodeJS.Timeout | undefined;
  const request = () => {
    timer = undefined;
    requestAlertEvaluation(o.db, o.jobKey).catch((err: unknown) =>
      o.log.warn('queueing an alert evaluation failed', { err }),
    );
  };
  const client = new pg.Client({ connectionString: o.dsn });
  client.on('error', (err) =>
    o.log.warn('event LISTEN connection failed; the scheduler still evaluates', { err }),
  );
  client.on('notification', () => {
    timer ??= setTimeout(request, DEBOUNCE_MS);
  });
  await client.connect();
  await client.query(`listen ${EVENTS_CHANNEL}`);
  // Events written while no runner listened.
  request();
  return {
    async stop() {
      if (timer) clearTimeout(timer);
      await client.end().catch(() => undefined);
    },
  };
}
