import type { Logger } from '../core/log.ts';

/**
 * The periodic work both runtimes trigger: workerd's cron calls it from `scheduled`, Node's `serve` from a
 * timer. Enqueuing due scans, discovery and liveness checks lands here with the job queue.
 */
export async function runScheduled(log: Logger, cron: string, scheduledTime: number): Promise<void> {
  log.info('scheduled tick', { cron, scheduled_time: new Date(scheduledTime).toISOString() });
}
