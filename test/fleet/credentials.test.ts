import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeKeyVersion } from '../../core/crypto/envelope.ts';
import { loadCredentialForHost as loadTyped } from '../../core/fleet/credentials.ts';
import type { Queryable } from '../../core/db/types.ts';
import type { Keyring } from '../../core/crypto/envelope.ts';
import { Secret } from '../../core/secret.ts';

/** The runner's credential with each Secret revealed, to compare with what was stored. */
async function loadCredentialForHost(db: Queryable, ring: Keyring, hostId: string) {
  const c = await loadTyped(db, ring, hostId);
  return (
    c && Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v instanceof Secret ? v.reveal() : v]))
  );
}
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { run } from '../helpers/sshd-sys.ts';
import { tempDir } from '../helpers/tmp.ts';

interface Credential {
  id: string;
  name: string;
  username: string;
  auth_method: string;
  key_fingerprint: string | null;
  has_passphrase: boolean;
  has_sudo_password: boolean;
  is_default: boolean;
}
interface Err {
  error: { code: string };
}

const PASSPHRASE = 'correct horse battery staple';

describe('SSH credentials', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;
  let auditor: string;
  let key: string;
  let encKey: string;
  let keyFingerprint: string;
  let encFingerprint: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const post = (body: Record<string, unknown>) => a.call('POST', '/api/v1/credentials', { token: op, body });
  const fingerprint = async (path: string) => (await run('ssh-keygen', ['-lf', path])).split(/\s+/)[1] ?? '';

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    await seedUser(t.db, 'aud', ['auditor']);
    op = (await loginAs(a, 'op')).access_token;
    auditor = (await loginAs(a, 'aud')).access_token;
    const dir = tempDir('ow-cred');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', PASSPHRASE, '-f', join(dir, 'e')]);
    key = readFileSync(join(dir, 'k'), 'utf8');
    encKey = readFileSync(join(dir, 'e'), 'utf8');
    keyFingerprint = await fingerprint(join(dir, 'k'));
    encFingerprint = await fingerprint(join(dir, 'e'));
  });
  afterAll(async () => t.drop());

  it('stores a key credential, shows only metadata and the OpenSSH fingerprint, encrypts every secret', async () => {
    const c = await json<Credential>(
      await post({
        name: 'deploy',
        username: 'deploy',
        auth_method: 'key',
        private_key: encKey,
        passphrase: PASSPHRASE,
        sudo_password: 'sudo-secret-1',
      }),
      201,
    );
    expect(c).toMatchObject({
      auth_method: 'key',
      key_fingerprint: encFingerprint,
      has_passphrase: true,
      has_sudo_password: true,
      is_default: false,
    });
    expect(keyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const all = JSON.stringify([
      c,
      await json(await a.call('GET', `/api/v1/credentials/${c.id}`, { token: auditor })),
      await json(await a.call('GET', '/api/v1/credentials', { token: auditor })),
    ]);
    expect(all).not.toMatch(/PRIVATE KEY|sudo-secret|battery|secret_enc/);
    const row = await t.db.query<Record<string, string>>('select * from credentials where id = $1', [c.id]);
    const stored = JSON.stringify(row.rows[0]);
    expect(stored).not.toMatch(/PRIVATE KEY|sudo-secret|battery/);
    expect(envelopeKeyVersion(row.rows[0]?.secret_enc ?? '')).toBe(row.rows[0]?.key_version);
    // A ciphertext moved to another field does not open.
    await t.db.query('update credentials set passphrase_enc = sudo_password_enc where id = $1', [c.id]);
    const h = await t.db.query<{ id: string }>(
      `insert into hosts (hostname, address, credential_id) values ('moved', 'moved', $1) returning id`,
      [c.id],
    );
    const ring = await a.identity.keyring();
    await expect(loadCredentialForHost(t.db, ring, h.rows[0]?.id ?? '')).rejects.toThrow(/does not open/);
    const events = await t.db.query<{ details: unknown }>(
      `select details from audit_events where code = 'credential.created'`,
    );
    expect(JSON.stringify(events.rows)).not.toMatch(/PRIVATE KEY|sudo-secret|battery/);
  });

  it('validates keys: wrong or missing passphrase, public keys, garbage; PEM RSA keys are fine', async () => {
    const base = { name: 'bad', username: 'root', auth_method: 'key' };
    for (const body of [
      { private_key: encKey },
      { private_key: encKey, passphrase: 'wrong' },
      { private_key: 'not a key' },
      { private_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x' },
    ]) {
      const res = await post({ ...base, ...body });
      expect((await json<Err>(res, 422)).error.code).toBe('invalid_private_key');
    }
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const rsa = await json<Credential>(await post({ ...base, name: 'rsa-pem', private_key: pem }), 201);
    expect(rsa.key_fingerprint).toMatch(/^SHA256:/);
    const shape = await post({ ...base, name: 'x', auth_method: 'password', private_key: key });
    expect(shape.status).toBe(400);
    const bad = await post({ ...base, username: 'Root; id' });
    expect(bad.status).toBe(400);
  });

  it('a host uses its own credential, else the system default (at most one); runner gets plaintext', async () => {
    const pw = await json<Credential>(
      await post({
        name: 'fallback',
        username: 'scan',
        auth_method: 'password',
        password: 'pw-1',
        is_default: true,
      }),
      201,
    );
    const k = await json<Credential>(
      await post({ name: 'own', username: 'ops', auth_method: 'key', private_key: key, is_default: true }),
      201,
    );
    // The newer default replaced the older one.
    const list = await json<{ items: Credential[] }>(
      await a.call('GET', '/api/v1/credentials', { token: op }),
    );
    expect(list.items.filter((c) => c.is_default).map((c) => c.name)).toEqual(['own']);
    await json(
      await a.call('PATCH', `/api/v1/credentials/${pw.id}`, { token: op, body: { is_default: true } }),
    );

    const mk = async (hostname: string, credential_id: string | null) =>
      (
        await json<{ id: string }>(
          await a.call('POST', '/api/v1/hosts', { token: op, body: { hostname, credential_id } }),
          201,
        )
      ).id;
    const own = await mk('own-cred', k.id);
    const dflt = await mk('default-cred', null);
    const ring = await a.identity.keyring();
    expect(await loadCredentialForHost(t.db, ring, own)).toEqual({
      id: k.id,
      name: 'own',
      username: 'ops',
      authMethod: 'key',
      privateKey: key,
    });
    expect(await loadCredentialForHost(t.db, ring, dflt)).toEqual({
      id: pw.id,
      name: 'fallback',
      username: 'scan',
      authMethod: 'password',
      password: 'pw-1',
    });
    await json(
      await a.call('PATCH', `/api/v1/credentials/${pw.id}`, { token: op, body: { is_default: false } }),
    );
    expect(await loadCredentialForHost(t.db, ring, dflt)).toBeUndefined();

    const inUse = await a.call('DELETE', `/api/v1/credentials/${k.id}`, { token: op });
    expect((await json<Err>(inUse, 409)).error.code).toBe('credential_in_use');
    expect((await a.call('DELETE', `/api/v1/credentials/${pw.id}`, { token: op })).status).toBe(204);
    expect((await a.call('GET', `/api/v1/credentials/${pw.id}`, { token: op })).status).toBe(404);
  });

  it('PATCH replaces secrets, keeps the rest, and switches methods only with the new secret', async () => {
    const c = await json<Credential>(
      await post({
        name: 'switch',
        username: 'ops',
        auth_method: 'password',
        password: 'old-pw',
        sudo_password: 's1',
      }),
      201,
    );
    const h = await t.db.query<{ id: string }>(
      `insert into hosts (hostname, address, credential_id) values ('sw', 'sw', $1) returning id`,
      [c.id],
    );
    const hostId = h.rows[0]?.id ?? '';
    const ring = await a.identity.keyring();
    const noSecret = await a.call('PATCH', `/api/v1/credentials/${c.id}`, {
      token: op,
      body: { auth_method: 'key' },
    });
    expect((await json<Err>(noSecret, 422)).error.code).toBe('secret_required');
    await json(
      await a.call('PATCH', `/api/v1/credentials/${c.id}`, { token: op, body: { username: 'ops2' } }),
    );
    expect(await loadCredentialForHost(t.db, ring, hostId)).toMatchObject({
      username: 'ops2',
      password: 'old-pw',
      sudoPassword: 's1',
    });
    const switched = await json<Credential>(
      await a.call('PATCH', `/api/v1/credentials/${c.id}`, {
        token: op,
        body: { private_key: encKey, passphrase: PASSPHRASE, sudo_password: null },
      }),
    );
    expect(switched).toMatchObject({
      auth_method: 'key',
      key_fingerprint: encFingerprint,
      has_passphrase: true,
      has_sudo_password: false,
    });
    expect(await loadCredentialForHost(t.db, ring, hostId)).toEqual({
      id: c.id,
      name: 'switch',
      username: 'ops2',
      authMethod: 'key',
      privateKey: encKey,
      passphrase: PASSPHRASE,
    });
    const viewer = await a.call('PATCH', `/api/v1/credentials/${c.id}`, {
      token: auditor,
      body: { name: 'x' },
    });
    expect(viewer.status).toBe(403);
  });
});
