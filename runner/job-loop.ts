import pg from 'pg';
import { verifyJob, type JobKey } from '../core/crypto/job-signing.ts';
import * as jobs from '../core/db/sql/jobs.ts';
import type { Db } from '../core/db/types.ts';
import { DatabaseUnavailable } from '../core/db/unavailable.ts';
import type { Logger } from '../core/log.ts';
import { whenDatabaseBack } from './db-wait.ts';

export const SECOND = 1000;
export const DEFAULT_POLL_INTERVAL_MS = 1 * SECOND;
export const MAX_POLL_INTERVAL_MS = 5 * SECOND;
export const DEFAULT_LEASE_SECONDS = 30;

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

/** Runs one job; resolves when done. Must stop promptly when `signal` aborts (shutdown, lease lost, cancel). */
export type JobHandler = (job: ClaimedJob, signal: AbortSignal) => Promise<void>;

/** A failure that retrying cannot fix (bad payload, host key mismatch …): recorded, not retried. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobLoopOptions {
  db: Db;
  /** For the LISTEN connection, which must be a dedicated client. */
  dsn: string;
  workerId: string;
  concurrency: number;
  pollIntervalMs?: number;
  leaseSeconds?: number;
  handlers: Record<string, JobHandler>;
  jobKey: JobKey;
  log: Logger;
  /** Called when a failed attempt is queued again (the retries metric). */
  onRetry?: (kind: string) => void;
}

export interface JobLoop {
  /** Stops claiming, waits up to `deadlineMs` for running jobs, then aborts the rest and waits for them. */
  stop(deadlineMs: number): Promise<void>;
  /** Ids of the jobs running now. */
  running(): string[];
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The runner's job loop: LISTEN/NOTIFY wake-ups with polling as the fallback, claims up to its free
 * slots, heartbeats the leases of what it runs, reclaims leases of dead runners, and aborts a job whose
 * lease it lost or which was cancelled.
 */
export async function startJobLoop(options: JobLoopOptions): Promise<JobLoop> {
  const poll = Math.min(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS);
  const lease = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const kinds = Object.keys(options.handlers);
  const log = options.log.child({ worker_id: options.workerId });
  const active = new Map<string, Running>();
  let stopping = false;
  let ticking: Promise<void> | undefined;
  let again = false;
  // Aborted when stop()'s deadline passes: writes still waiting for the database give up then.
  const halt = new AbortController();
  let databaseDown = false;

  const finish = async (job: ClaimedJob, err: unknown, signal: AbortSignal) => {
    if (signal.aborted && !stopping) {
      log.warn('job aborted: lease lost or job cancelled', { job_id: job.id, kind: job.kind });
      return;
    }
    const record = <T>(what: string, write: () => Promise<T>) =>
      whenDatabaseBack(what, write, halt.signal, log.child({ job_id: job.id }));
    if (err === undefined) {
      if (!(await record('job completion', () => jobs.completeJob(options.db, options.workerId, job.id)))) {
        log.warn('completed job was no longer ours', { job_id: job.id });
      }
      return;
    }
    const retryable = !(err instanceof PermanentJobError);
    const state = await record('job failure', () =>
      jobs.failJob(options.db, options.workerId, job.id, errorText(err), retryable),
    );
    if (state === 'queued') options.onRetry?.(job.kind);
    log.warn('job failed', {
      job_id: job.id,
      kind: job.kind,
      attempt: job.attempts,
      state,
      error: errorText(err),
    });
  };

  const run = async (row: jobs.JobRow): Promise<void> => {
    const job: ClaimedJob = {
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
    };
    const handler = options.handlers[row.kind];
    if (!handler || !(await verifyJob(options.jobKey, row.kind, row.payload, row.signature))) {
      const why = handler ? 'invalid job signature: payload rejected' : `no handler for job kind ${row.kind}`;
      await jobs.failJob(options.db, options.workerId, row.id, why, false);
      log.error('job rejected before any side effect', { job_id: row.id, kind: row.kind, reason: why });
      return;
    }
    const controller = new AbortController();
    const done = handler(job, controller.signal).then(
      () => finish(job, undefined, controller.signal),
      (err: unknown) => finish(job, err ?? new Error('job failed'), controller.signal),
    );
    active.set(job.id, {
      controller,
      done: done
        .catch((err: unknown) => log.error('recording job outcome failed', { job_id: job.id, err }))
        .finally(() => {
          active.delete(job.id);
          wake();
        }),
    });
  };

  const heartbeat = async () => {
    const ids = [...active.keys()];
    const kept = new Set(await jobs.heartbeatJobs(options.db, options.workerId, ids, lease));
    for (const id of ids)
      if (!kept.has(id)) active.get(id)?.controller.abort(new Error('lease lost or cancelled'));
  };

  const tick = async () => {
    // Back from an outage: renew our own leases before freeing expired ones, or we would reclaim the
    // jobs we are still running.
    if (databaseDown) await heartbeat();
    await jobs.reclaimExpiredJobs(options.db);
    const free = options.concurrency - active.size;
    if (stopping || free <= 0) return;
    const claimed = await jobs.claimJobs(options.db, options.workerId, free, lease, kinds);
    for (const row of claimed) await run(row);
    // A full batch suggests more are waiting.
    if (claimed.length === free) again = true;
  };

  /** While the database is away each poll fails: say so once, not once a second. */
  function noteClaimFailure(err: unknown): void {
    if (!(err instanceof DatabaseUnavailable)) {
      log.error('claiming jobs failed', { err });
      return;
    }
    if (!databaseDown) log.warn('database unavailable; claiming paused until it is back', { err: err.cause });
    databaseDown = true;
  }

  function wake(): void {
    if (stopping) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      do {
        again = false;
        try {
          await tick();
          if (databaseDown) log.info('database is back; claiming resumed');
          databaseDown = false;
        } catch (err) {
          noteClaimFailure(err);
        }
      } while (again && !stopping && active.size < options.concurrency);
    })().finally(() => {
      ticking = undefined;
    });
  }

  const listener = new pg.Client({ connectionString: options.dsn });
  listener.on('error', (err) => log.warn('LISTEN connection failed; polling continues', { err }));
  listener.on('notification', () => wake());
  await listener.connect();
  await listener.query(`listen ${jobs.JOBS_CHANNEL}`);

  const pollTimer = setInterval(wake, poll);
  const beatTimer = setInterval(
    () => {
      heartbeat().catch((err: unknown) => log.error('heartbeat failed', { err }));
    },
    (lease * SECOND) / 3,
  );
  wake();

  return {
    running: () => [...active.keys()],
    async stop(deadlineMs) {
      stopping = true;
      clearInterval(pollTimer);
      clearInterval(beatTimer);
      await ticking;
      const all = () => Promise.all([...active.values()].map((r) => r.done));
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadlineMs).unref());
      if ((await Promise.race([all(), timeout])) === 'timeout') {
        for (const r of active.values()) r.controller.abort(new Error('runner shutting down'));
        halt.abort();
        await all();
      }
      await listener.end().catch(() => undefined);
    },
  };
}
