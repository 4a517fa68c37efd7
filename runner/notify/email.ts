import nodemailer from 'nodemailer';
import type { ChannelConfig, ChannelSecret } from '../../core/notify/channels.ts';
import type { Message } from '../../core/notify/message.ts';
import { resolveDestination, type DeliveryPolicy } from './address-guard.ts';

const TIMEOUT_MS = 15_000;

/**
 * Sends the alert as a text + HTML mail. TLS is required either way (`tls` from the first byte,
 * `starttls` refusing a server that does not offer it) and verifies the configured host name, while
 * the connection goes to the address the policy checked.
 */
export async function sendEmail(
  config: ChannelConfig<'email'>,
  secret: ChannelSecret<'email'>,
  message: Message,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<string> {
  const dest = await resolveDestination(config.host, policy);
  const transport = nodemailer.createTransport({
    host: dest.address,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    tls: {
      servername: config.host,
      minVersion: 'TLSv1.2',
      ...(policy.ca.length > 0 ? { ca: policy.ca } : {}),
    },
    ...(config.username !== undefined
      ? { auth: { user: config.username, pass: secret.password ?? '' } }
      : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort);
  try {
    const info = await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      ...(message.attachments ? { attachments: message.attachments } : {}),
    });
    return `SMTP accepted ${info.accepted.length} of ${config.to.length} recipients`;
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}
