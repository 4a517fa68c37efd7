import { channelById, insertChannel } from '../../core/db/sql/channels.ts';
import { openChannel, sealChannelSecret } from '../../core/notify/channels.ts';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeContext, envelopeKeyVersion, open, seal } from '../../core/crypto/envelope.ts';
import { insertCredential } from '../../core/db/sql/credentials.ts';
import { decryptCredential, sealCredentialField } from '../../core/fleet/credentials.ts';
import { identitySettingsSchema } from '../../core/config/schema.ts';
import { loadCredentialKeyring, writeNextCredentialKey } from '../../core/node/credential-keys.ts';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { nodeIdentityRuntime } from '../../core/node/identity-runtime.ts';
import { seedUser } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';
import type { CredentialRow } from '../../core/db/sql/credentials.ts';

describe('openwatch rotate-dek', () => {
  let t: TestDatabase;
  let base: string;
  let env: Record<string, string>;
  let userId: string;
  const totp = new TextEncoder().encode('12345678901234567890');
  const channelId = crypto.randomUUID();
  const channelSecret = { url: 'https://hooks.example/x', signing_secret: 's'.repeat(32) };

  const credentials = async () =>
    (await t.db.query<CredentialRow>('select * from credentials order by name')).rows;
  const mfaSecret = async () =>
    (await t.db.query<{ mfa_secret: string }>('select mfa_secret from users where id = $1', [userId])).rows[0]
      ?.mfa_secret ?? '';

  beforeAll(async () => {
    t = await createTestDatabase();
    const secrets = await ensureDevSecrets(tempDir('ow-dek'));
    base = secrets.credentialKeyFile;
    env = {
      OPENWATCH_DATABASE_DSN: t.dsn,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: base,
      OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
    };
    const ring = await loadCredentialKeyring(base);
    for (let i = 0; i < 7; i++) {
      const id = crypto.randomUUID();
      await insertCredential(t.db, {
        id,
        name: `cred-${i}`,
        isDefault: false,
        username: 'ops',
        authMethod: 'password',
        secretEnc: await sealCredentialField(ring, id, 'secret', `password-${i}`),
        passphraseEnc: null,
        sudoPasswordEnc: i % 2 ? await sealCredentialField(ring, id, 'sudo_password', `sudo-${i}`) : null,
        keyFingerprint: null,
        keyVersion: ring.current,
        createdBy: null,
      });
    }
    await insertChannel(t.db, {
      id: channelId,
      name: 'hook',
      type: 'webhook',
      config: {},
      secretEnc: await sealChannelSecret(ring, channelId, channelSecret),
      keyVersion: ring.current,
      enabled: true,
      createdBy: null,
    });
    userId = await seedUser(t.db, 'mfa_user', ['viewer']);
    const envelope = await seal(ring, totp, envelopeContext('users', userId, 'mfa_secret'));
    await t.db.query('update users set mfa_secret = $2 where id = $1', [userId, envelope]);
  });
  afterAll(async () => t.drop());

  it('re-encrypts every credential and TOTP secret under a new 0600 key and retires the old one', async () => {
    const before = await loadCredentialKeyring(base);
    const runtime = nodeIdentityRuntime({
      settings: identitySettingsSchema.parse({}),
      jwtPrivateKeyFile: env.OPENWATCH_IDENTITY_JWT_PRIVATE_KEY ?? '',
      credentialKeyFile: base,
    });
    expect((await runtime.keyring()).current).toBe(before.current);

    const res = await runCli(['rotate-dek', '--batch', '3'], { env });
    expect(res.code, res.stderr).toBe(0);
    expect((statSync(`${base}.v2`).mode & 0o777).toString(8)).toBe('600');
    const after = await loadCredentialKeyring(base);
    expect(after.current).not.toBe(before.current);
    expect(res.stdout).toContain(
      `re-encrypted 7 credentials, 1 TOTP secrets and 1 notification channels under ${after.current}`,
    );
    expect(res.stdout).toContain(`retired: ${before.current}`);

    // The running server picks the new file up: it seals with the new key and still opens the old.
    const live = await runtime.keyring();
    expect(live.current).toBe(after.current);
    expect([...live.keys.keys()].sort()).toEqual([before.current, after.current].sort());

    const rows = await credentials();
    expect(rows.map((r) => r.key_version)).toEqual(rows.map(() => after.current));
    for (const r of rows) {
      for (const e of [r.secret_enc, r.sudo_password_enc])
        if (e) expect(envelopeKeyVersion(e)).toBe(after.current);
      const plain = await decryptCredential(after, r);
      expect(plain.password?.reveal()).toBe(`password-${r.name.slice(5)}`);
    }
    const mfa = await mfaSecret();
    expect(envelopeKeyVersion(mfa)).toBe(after.current);
    expect(await open(after, mfa, envelopeContext('users', userId, 'mfa_secret'))).toEqual(totp);
    const channel = await channelById(t.db, channelId);
    expect(channel?.key_version).toBe(after.current);
    expect(envelopeKeyVersion(channel?.secret_enc ?? '')).toBe(after.current);
    if (channel) expect((await openChannel(after, channel)).secret).toEqual(channelSecret);

    const state = await t.db.query<{ retired_versions: string[]; completed_at: Date | null }>(
      'select retired_versions, completed_at from envelope_key_rotations where key_version = $1',
      [after.current],
    );
    expect(state.rows[0]?.retired_versions).toEqual([before.current]);
    expect(state.rows[0]?.completed_at).toBeInstanceOf(Date);
    const audit = await t.db.query<{ details: Record<string, unknown> }>(
      `select details from audit_events where code = 'credential_key.rotated'`,
    );
    expect(audit.rows).toEqual([
      {
        details: {
          key_version: after.current,
          retired: [before.current],
          resealed: { ssh: 7, mfa: 1, channels: 1 },
        },
      },
    ]);
  });

  it('finishes an interrupted rotation instead of starting another', async () => {
    // As if a run was killed right after writing its key file: nothing re-encrypted, nothing recorded.
    const file = writeNextCredentialKey(base);
    expect(file.generation).toBe(3);
    const res = await runCli(['rotate-dek'], { env });
    expect(res.code, res.stderr).toBe(0);
    const ring = await loadCredentialKeyring(base);
    expect(res.stdout).toContain(`resuming the rotation to key ${ring.current}`);
    expect(() => statSync(`${base}.v4`)).toThrow();
    const rows = await credentials();
    expect(new Set(rows.map((r) => r.key_version))).toEqual(new Set([ring.current]));
    expect(envelopeKeyVersion(await mfaSecret())).toBe(ring.current);
    for (const r of rows) await expect(decryptCredential(ring, r)).resolves.toBeTruthy();
  });
});
