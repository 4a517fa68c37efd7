import { z } from 'zod';
import { randomBytes, toHex, utf8 } from '../crypto/bytes.ts';
import { envelopeContext, open, seal, type Keyring } from '../crypto/envelope.ts';

export const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const httpsUrl = z
  .url({ protocol: /^https$/ })
  .refine((u) => !new URL(u).username && !new URL(u).password, 'no credentials in the URL')
  .refine((u) => u.length <= 2000, 'at most 2000 characters');
const emailAddress = z.email().max(254);
const hostName = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^[0-9a-fA-F:.]{2,45}$/);

/** Settings shown back to users (never a secret, never a URL that carries a token). */
export const channelConfigSchemas = {
  webhook: z.object({}).strict(),
  slack: z.object({}).strict(),
  email: z
    .object({
      host: hostName,
      port: z.number().int().min(1).max(65535).default(587),
      /** starttls: plain connect then STARTTLS, required; tls: TLS from the first byte (port 465). */
      security: z.enum(['starttls', 'tls']).default('starttls'),
      username: z.string().min(1).max(254).optional(),
      from: emailAddress,
      to: z.array(emailAddress).min(1).max(50),
    })
    .strict(),
} as const;

/** The sealed part of each channel type. */
export const channelSecretSchemas = {
  webhook: z.object({ url: httpsUrl, signing_secret: z.string().min(32).max(256) }).strict(),
  slack: z.object({ url: httpsUrl }).strict(),
  email: z.object({ password: z.string().min(1).max(1024).optional() }).strict(),
} as const;

export type ChannelConfig<T extends ChannelType> = z.output<(typeof channelConfigSchemas)[T]>;
export type ChannelSecret<T extends ChannelType> = z.output<(typeof channelSecretSchemas)[T]>;

/** A channel with its secret opened, as the runner sends with it. Only ever held in memory. */
export type OpenedChannel =
  | {
      id: string;
      name: string;
      type: 'webhook';
      config: ChannelConfig<'webhook'>;
      secret: ChannelSecret<'webhook'>;
    }
  | {
      id: string;
      name: string;
      type: 'slack';
      config: ChannelConfig<'slack'>;
      secret: ChannelSecret<'slack'>;
    }
  | {
      id: string;
      name: string;
      type: 'email';
      config: ChannelConfig<'email'>;
      secret: ChannelSecret<'email'>;
    };

/** A webhook signing secret: 32 random bytes, hex. */
export function newSigningSecret(): string {
  return toHex(randomBytes(32));
}

const context = (id: string) => envelopeContext('notification_channels', id, 'secret');

export function sealChannelSecret(
  ring: Keyring,
  id: string,
  secret: Record<string, unknown>,
): Promise<string> {
  return seal(ring, utf8(JSON.stringify(secret)), context(id));
}

/** Opens and re-validates a channel's secret (a stored row is input like any other). */
export async function openChannel(
  ring: Keyring,
  row: { id: string; name: string; type: ChannelType; config: unknown; secret_enc: string },
): Promise<OpenedChannel> {
  const text = new TextDecoder().decode(await open(ring, row.secret_enc, context(row.id)));
  const raw: unknown = JSON.parse(text);
  const base = { id: row.id, name: row.name };
  switch (row.type) {
    case 'webhook':
      return {
        ...base,
        type: 'webhook',
        config: channelConfigSchemas.webhook.parse(row.config),
        secret: channelSecretSchemas.webhook.parse(raw),
      };
    case 'slack':
      return {
        ...base,
        type: 'slack',
        config: channelConfigSchemas.slack.parse(row.config),
        secret: channelSecretSchemas.slack.parse(raw),
      };
    case 'email':
      return {
        ...base,
        type: 'email',
        config: channelConfigSchemas.email.parse(row.config),
        secret: channelSecretSchemas.email.parse(raw),
      };
  }
}
