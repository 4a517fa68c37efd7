import type { ChannelSecret } from '../../core/notify/channels.ts';
import type { Message } from '../../core/notify/message.ts';
import type { DeliveryPolicy } from './address-guard.ts';
import { postJson } from './http.ts';

/** Slack's mrkdwn needs only these three escaped (api.slack.com, "Formatting text"). */
const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The incoming-webhook body: a plain `text` fallback and a section block with the link. */
export function slackBody(message: Message): Record<string, unknown> {
  const link = message.url ? `\n<${message.url}|Open in OpenWatch>` : '';
  const lines = message.text.split('\n').slice(2).filter(Boolean).map(escapeMrkdwn).join('\n');
  return {
    text: message.subject,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(message.subject)}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: `${lines}${link}` } },
    ],
  };
}

export async function sendSlack(
  secret: ChannelSecret<'slack'>,
  message: Message,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<string> {
  return `HTTP ${await postJson(secret.url, JSON.stringify(slackBody(message)), {}, policy, signal)}`;
}
