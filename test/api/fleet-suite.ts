import { generateKeyPairSync } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import type { TestDatabase } from '../helpers/db.ts';

/** A throwaway key in a format ssh2 reads (PKCS#1 PEM); generated, never a fixture. */
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

/** Hosts and credentials over HTTP on each runtime. Runs inside apiSuite, against its server and database. */
export function fleetSuite(get: () => { api: ApiTarget; t: TestDatabase }): void {
  it('fleet: hosts, a password credential, and key credentials where ssh2 is available', async () => {
    const { api, t } = get();
    await seedUser(t.db, 'suite_operator', ['operator']);
    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'suite_operator', password: STRONG }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const call = (method: string, path: string, body?: unknown) =>
      api.fetch(path, {
        method,
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const cred = await call('POST', '/api/v1/credentials', {
      name: 'suite',
      username: 'scan',
      auth_method: 'password',
      password: 'suite-password',
    });
    expect(cred.status).toBe(201);
    const { id: credentialId } = (await cred.json()) as { id: string };
    const host = await call('POST', '/api/v1/hosts', {
      hostname: 'suite-host',
      address: '192.0.2.50',
      credential_id: credentialId,
    });
    expect(host.status).toBe(201);
    expect((await call('POST', '/api/v1/hosts', { hostname: 'suite-host' })).status).toBe(409);
    const list = (await (await call('GET', '/api/v1/hosts?q=suite')).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
    const key = await call('POST', '/api/v1/credentials', {
      name: 'suite-key',
      username: 'scan',
      auth_method: 'key',
      private_key: KEY,
    });
    if (api.runtime === 'workerd') expect(key.status).toBe(501);
    else {
      expect(key.status).toBe(201);
      expect(await key.json()).toMatchObject({ key_fingerprint: expect.stringMatching(/^SHA256:/) });
    }
    const body = await (await call('GET', '/api/v1/credentials')).text();
    expect(body).not.toMatch(/suite-password|PRIVATE KEY/);
  });
}
