import { appendAuditEvents, CLI_ACTOR } from '../../core/audit/append.ts';
import { reencryptEnvelopes } from '../../core/crypto/reencrypt.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import {
  completeRotation,
  countEnvelopesNotUnder,
  rotationByVersion,
  startRotation,
} from '../../core/db/sql/key-rotation.ts';
import { createLogger } from '../../core/log.ts';
import {
  credentialKeyFiles,
  loadCredentialKeyring,
  writeNextCredentialKey,
} from '../../core/node/credential-keys.ts';
import { migrate } from '../../core/node/migrate.ts';
import { defineCommand, stringOption } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';

const BATCH = 100;
/** Passes over rows a server sealed under an old key before it loaded the new one; then give up. */
const MAX_PASSES = 5;

export default defineCommand({
  usage: '[--config FILE]',
  description:
    'Writes a new 32-byte key (0600) beside identity.credential_key_file as <file>.v<N>, re-seals every\n' +
    'SSH credential secret and TOTP secret under it in batches of locked rows, then records the older\n' +
    'key versions as retired. Safe while `openwatch serve` runs: it loads every <file>.v<N> and seals with\n' +
    'the newest as soon as the file appears. Interrupted? Run it again: it finishes the same rotation\n' +
    'rather than starting another. See docs/fleet.md.',
  options: [
    ...configOptions,
    { name: 'batch', type: 'string', value: 'N', description: `Rows per transaction (default ${BATCH})` },
  ],
  async run(ctx) {
    const config = configFromContext(ctx).config;
    const log = createLogger({ ...config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const base = config.identity.credential_key_file ?? database.embedded?.secrets.credentialKeyFile;
    if (!base) {
      ctx.stderr.write('openwatch rotate-dek: set identity.credential_key_file\n');
      return 1;
    }
    const batch = Number(stringOption(ctx, 'batch') ?? BATCH);
    if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) {
      ctx.stderr.write('openwatch rotate-dek: --batch must be 1–10000\n');
      return 2;
    }
    const db = poolDb(database.dsn, { max: 2, applicationName: 'openwatch-rotate-dek' });
    try {
      await migrate(database.dsn);
      let ring = await loadCredentialKeyring(base);
      const newest = credentialKeyFiles(base)[0];
      const state = await rotationByVersion(db, ring.current);
      // Resume when the newest key's rotation is unfinished, or when a run wrote its file and stopped
      // before recording it; otherwise this is a new rotation.
      const resume = state ? state.completed_at === null : (newest?.generation ?? 1) > 1;
      if (resume) ctx.stdout.write(`resuming the rotation to key ${ring.current}\n`);
      else {
        const file = writeNextCredentialKey(base);
        ring = await loadCredentialKeyring(base);
        ctx.stdout.write(`new credential key ${ring.current} written to ${file.path}\n`);
      }
      await startRotation(db, ring.current);
      const total = { credentials: 0, mfaSecrets: 0, channels: 0 };
      for (let pass = 1; ; pass++) {
        const done = await reencryptEnvelopes(db, ring, { batchSize: batch });
        total.credentials += done.credentials;
        total.mfaSecrets += done.mfaSecrets;
        total.channels += done.channels;
        const left = await countEnvelopesNotUnder(db, ring.current);
        if (left.credentials + left.mfa_secrets + left.channels === 0) break;
        if (pass >= MAX_PASSES) {
          ctx.stderr.write(
            `openwatch rotate-dek: ${left.credentials} credentials, ${left.mfa_secrets} TOTP secrets and ` +
              `${left.channels} notification channels are still ` +
              'sealed under an older key (a server that has not loaded the new key file?); run it again\n',
          );
          return 1;
        }
      }
      const retired = [...ring.keys.keys()].filter((v) => v !== ring.current);
      const version = ring.current;
      await db.transaction(async (tx) => {
        await completeRotation(tx, version, retired);
        await appendAuditEvents(tx, [
          {
            code: 'credential_key.rotated',
            actor: CLI_ACTOR,
            target: { type: 'credential_key', id: version },
            details: {
              key_version: version,
              retired,
              // Counts of re-sealed rows (names chosen so the audit redaction of secret-like keys keeps them).
              resealed: { ssh: total.credentials, mfa: total.mfaSecrets, channels: total.channels },
            },
          },
        ]);
      });
      ctx.stdout.write(
        `re-encrypted ${total.credentials} credentials, ${total.mfaSecrets} TOTP secrets and ` +
          `${total.channels} notification channels under ${version}\n` +
          `retired: ${retired.join(', ') || 'none'}\n`,
      );
      return 0;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});
