import { createHmac } from 'node:crypto';
import type { ChannelSecret } from '../../core/notify/channels.ts';
import type { Message } from '../../core/notify/message.ts';
import type { DeliveryPolicy } from './address-guard.ts';
import { postJson } from './http.ts';

export const SIGNATURE_HEADER = 'x-openwatch-signature';
export const TIMESTAMP_HEADER = 'x-openwatch-timestamp';
export const DELIVERY_HEADER = 'x-openwatch-delivery';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the receiver recomputes it (docs/alerts.md). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Posts the alert's JSON, signed with the channel's secret over the timestamp and the exact body. */
export async function sendWebhook(
  secret: ChannelSecret<'webhook'>,
  message: Message,
  deliveryId: string,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<string> {
  const body = JSON.stringify(message.payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const status = await postJson(
    secret.url,
    body,
    {
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: webhookSignature(secret.signing_secret, timestamp, body),
      [DELIVERY_HEADER]: deliveryId,
    },
    policy,
    signal,
  );
  return `HTTP ${status}`;
}
