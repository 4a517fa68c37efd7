import * as sql from '../db/sql/key-rotation.ts';
import type { Db } from '../db/types.ts';
import { envelopeContext, open, seal, type Keyring } from './envelope.ts';

/** Every column that holds an envelope, and the AAD it was sealed with. */
const credentialContext = (id: string, field: 'secret' | 'passphrase' | 'sudo_password') =>
  envelopeContext('credentials', id, field);
const mfaContext = (userId: string) => envelopeContext('users', userId, 'mfa_secret');
const channelContext = (id: string) => envelopeContext('notification_channels', id, 'secret');

async function reseal(ring: Keyring, envelope: string, context: string): Promise<string> {
  return seal(ring, await open(ring, envelope, context), context);
}

async function resealNullable(
  ring: Keyring,
  envelope: string | null,
  context: string,
): Promise<string | null> {
  return envelope === null ? null : reseal(ring, envelope, context);
}

export interface ReencryptProgress {
  credentials: number;
  mfaSecrets: number;
  channels: number;
}

/**
 * Re-seals every stored secret under `ring.current`, one batch per transaction with the rows locked
 * (`for update`), so a concurrent change of a credential waits rather than being overwritten. Rows are
 * picked by "not under the current version", so an interrupted run is finished by running it again, and
 * rows sealed under an old key by a server that had not yet loaded the new one are swept up by the
 * next pass. Returns how many rows were re-sealed.
 */
export async function reencryptEnvelopes(
  db: Db,
  ring: Keyring,
  o: { batchSize: number; onBatch?: (p: ReencryptProgress) => void },
): Promise<ReencryptProgress> {
  const done: ReencryptProgress = { credentials: 0, mfaSecrets: 0, channels: 0 };
  const target = ring.current;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await sql.lockCredentialsNotUnder(tx, target, o.batchSize);
      for (const r of rows)
        await sql.setCredentialEnvelopes(tx, {
          id: r.id,
          secret_enc: await reseal(ring, r.secret_enc, credentialContext(r.id, 'secret')),
          passphrase_enc: await resealNullable(ring, r.passphrase_enc, credentialContext(r.id, 'passphrase')),
          sudo_password_enc: await resealNullable(
            ring,
            r.sudo_password_enc,
            credentialContext(r.id, 'sudo_password'),
          ),
          key_version: target,
        });
      return rows.length;
    });
    done.credentials += n;
    if (n > 0) o.onBatch?.(done);
    if (n < o.batchSize) break;
  }
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await sql.lockMfaSecretsNotUnder(tx, target, o.batchSize);
      for (const r of rows)
        await sql.setMfaSecret(tx, r.id, await reseal(ring, r.mfa_secret, mfaContext(r.id)));
      return rows.length;
    });
    done.mfaSecrets += n;
    if (n > 0) o.onBatch?.(done);
    if (n < o.batchSize) break;
  }
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await sql.lockChannelsNotUnder(tx, target, o.batchSize);
      for (const r of rows)
        await sql.setChannelEnvelope(
          tx,
          r.id,
          await reseal(ring, r.secret_enc, channelContext(r.id)),
          target,
        );
      return rows.length;
    });
    done.channels += n;
    if (n > 0) o.onBatch?.(done);
    if (n < o.batchSize) break;
  }
  return done;
}
