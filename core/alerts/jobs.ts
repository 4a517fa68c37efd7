import { signJob, type JobKey } from '../crypto/job-signing.ts';
import { enqueueUnlessQueued } from '../db/sql/alert-jobs.ts';
import { enqueueJob } from '../db/sql/jobs.ts';
import type { Queryable } from '../db/types.ts';

/** Reads new events and opens, folds or resolves alerts (runner/alerts-job.ts). */
export const EVALUATE_ALERTS_JOB = 'alerts_evaluate';
/** Sends one message to one channel (runner/notify/job.ts); retried with the queue's backoff. */
export const NOTIFY_JOB = 'notify';
/** Five attempts: the first and four retries, 5 s, 10 s, 20 s and 40 s apart (the queue's backoff). */
export const NOTIFY_MAX_ATTEMPTS = 5;

export type NotifyPurpose = 'fired' | 'resolved' | 'test' | 'report';

/** The signed payload of a delivery: ids only, the runner loads the alert and the channel. */
export interface NotifyPayload {
  channel_id: string;
  alert_id: string | null;
  purpose: NotifyPurpose;
  /** Set for `report`: the snapshot a report schedule delivers. */
  report_id?: string;
}

/** Asks a runner to evaluate the event log (at most one such job waits at a time). */
export async function requestAlertEvaluation(q: Queryable, jobKey: JobKey): Promise<boolean> {
  const payload = {};
  return enqueueUnlessQueued(q, {
    kind: EVALUATE_ALERTS_JOB,
    payload,
    signature: await signJob(jobKey, EVALUATE_ALERTS_JOB, payload),
    maxAttempts: 3,
  });
}

/** Queues one delivery; in the caller's transaction, so an alert and its deliveries commit together. */
export async function enqueueNotification(
  q: Queryable,
  jobKey: JobKey,
  payload: NotifyPayload,
): Promise<string> {
  const job = await enqueueJob(q, {
    kind: NOTIFY_JOB,
    payload,
    signature: await signJob(jobKey, NOTIFY_JOB, payload),
    maxAttempts: NOTIFY_MAX_ATTEMPTS,
  });
  if (!job) throw new Error('a notification job without a concurrency key cannot conflict');
  return job.id;
}
