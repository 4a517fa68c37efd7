import { z } from 'zod';
import { NOTIFY_JOB } from '../../core/alerts/jobs.ts';
import type { Keyring } from '../../core/crypto/envelope.ts';
import { alertById } from '../../core/db/sql/alerts.ts';
import { channelById, recordDelivery } from '../../core/db/sql/channels.ts';
import type { Db } from '../../core/db/types.ts';
import type { Logger } from '../../core/log.ts';
import { openChannel, type OpenedChannel } from '../../core/notify/channels.ts';
import { renderMessage, type Message } from '../../core/notify/message.ts';
import { renderReportMessage } from '../../core/notify/report-message.ts';
import { getSnapshot, snapshotBodies } from '../../core/db/sql/reports.ts';
import { PermanentJobError, type JobHandler } from '../job-loop.ts';
import { DeliveryRefused, type DeliveryPolicy } from './address-guard.ts';
import { sendEmail } from './email.ts';
import { DeliveryRejected } from './http.ts';
import { sendSlack } from './slack.ts';
import { sendWebhook } from './webhook.ts';

const payloadSchema = z
  .object({
    channel_id: z.uuid(),
    alert_id: z.uuid().nullable(),
    purpose: z.enum(['fired', 'resolved', 'test', 'report']),
    report_id: z.uuid().optional(),
  })
  .strict();

export interface NotifyJobDeps {
  db: Db;
  keyring: () => Promise<Keyring>;
  log: Logger;
  policy: DeliveryPolicy;
}

function send(
  channel: OpenedChannel,
  message: Message,
  deliveryId: string,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<string> {
  switch (channel.type) {
    case 'webhook':
      return sendWebhook(channel.secret, message, deliveryId, policy, signal);
    case 'slack':
      return sendSlack(channel.secret, message, policy, signal);
    case 'email':
      return sendEmail(channel.config, channel.secret, message, policy, signal);
  }
}

async function messageFor(
  deps: NotifyJobDeps,
  p: z.infer<typeof payloadSchema>,
  channelName: string,
): Promise<Message> {
  const o = { channelName, consoleUrl: deps.policy.consoleUrl ?? null, sentAt: new Date() };
  if (p.purpose === 'report') {
    const snapshot = p.report_id ? await getSnapshot(deps.db, p.report_id) : undefined;
    const bodies = snapshot ? await snapshotBodies(deps.db, snapshot.id) : undefined;
    if (!snapshot || !bodies) throw new PermanentJobError('the report no longer exists');
    return renderReportMessage(snapshot, bodies, o);
  }
  const alert = p.alert_id === null ? undefined : await alertById(deps.db, p.alert_id, null);
  if (p.alert_id !== null && !alert) throw new PermanentJobError('the alert no longer exists');
  return renderMessage(p.purpose, alert, o);
}

/**
 * Delivers one message to one channel and logs the attempt (alert_deliveries). A failure is retried
 * by the queue with backoff; a refused destination or a receiver's 4xx ends it. One channel failing
 * never touches another's job.
 */
export function notifyJobHandler(deps: NotifyJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`malformed ${NOTIFY_JOB} job payload`);
    const p = parsed.data;
    const row = await channelById(deps.db, p.channel_id);
    if (!row) throw new PermanentJobError('the channel no longer exists');
    if (!row.enabled && p.purpose !== 'test') throw new PermanentJobError('the channel is disabled');
    const log = deps.log.child({ channel_id: row.id, alert_id: p.alert_id, attempt: job.attempts });
    const message = await messageFor(deps, p, row.name);
    const attempt = { alertId: p.alert_id, channelId: row.id, purpose: p.purpose, attempt: job.attempts };
    try {
      const channel = await openChannel(await deps.keyring(), row);
      const detail = await send(channel, message, `${job.id}`, deps.policy, signal);
      await recordDelivery(deps.db, { ...attempt, ok: true, detail });
      log.info('notification delivered', { type: row.type, detail });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      await recordDelivery(deps.db, { ...attempt, ok: false, detail });
      log.warn('notification failed', { type: row.type, error: detail });
      if (err instanceof DeliveryRefused || err instanceof DeliveryRejected)
        throw new PermanentJobError(detail);
      throw err;
    }
  };
}
