import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, decideHostKeyTrust } from '../../core/fleet/host-keys.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Key {
  id: string;
  fingerprint: string;
  status: string;
}

const fp = (c: string) => `SHA256:${c.repeat(43)}`;
const A = { keyType: 'ssh-ed25519', fingerprint: fp('A') };
const B = { keyType: 'ssh-ed25519', fingerprint: fp('B') };
const C = { keyType: 'ecdsa-sha2-nistp256', fingerprint: fp('C') };

describe('host keys', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const newHost = async (hostname: string, host_key_policy: 'pinned' | 'tofu') =>
    (
      await json<{ id: string }>(
        await a.call('POST', '/api/v1/hosts', { token: op, body: { hostname, host_key_policy } }),
        201,
      )
    ).id;
  const keys = async (hostId: string) =>
    (await json<{ items: Key[] }>(await a.call('GET', `/api/v1/hosts/${hostId}/host-keys`, { token: op })))
      .items;
  const codes = async () =>
    (
      await t.db.query<{ code: string }>(
        `select code from audit_events where code like 'host_key.%' order by id`,
      )
    ).rows.map((r) => r.code);

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    op = (await loginAs(a, 'op')).access_token;
  });
  afterAll(async () => t.drop());

  it('decides: accept the pinned key, pin on first use under tofu, mismatch otherwise', () => {
    expect(decideHostKeyTrust('tofu', { fingerprint: A.fingerprint }, A)).toEqual({ action: 'accept' });
    expect(decideHostKeyTrust('pinned', { fingerprint: A.fingerprint }, A)).toEqual({ action: 'accept' });
    expect(decideHostKeyTrust('tofu', undefined, A)).toEqual({ action: 'pin_first_use' });
    expect(decideHostKeyTrust('pinned', undefined, A)).toEqual({ action: 'mismatch' });
    expect(decideHostKeyTrust('tofu', { fingerprint: A.fingerprint }, B)).toEqual({
      action: 'mismatch',
      pinned: A.fingerprint,
    });
  });

  it('trust on first use pins once; a different key is recorded pending, approved, and the old one retired', async () => {
    const h = await newHost('tofu-1', 'tofu');
    expect(await checkHostKey(t.db, h, A)).toEqual({ action: 'pin_first_use' });
    expect(await checkHostKey(t.db, h, A)).toEqual({ action: 'accept' });
    expect(await checkHostKey(t.db, h, B)).toEqual({ action: 'mismatch', pinned: A.fingerprint });
    expect(await checkHostKey(t.db, h, B)).toEqual({ action: 'mismatch', pinned: A.fingerprint });
    const listed = await keys(h);
    expect(listed.map((k) => [k.fingerprint, k.status])).toEqual([
      [A.fingerprint, 'pinned'],
      [B.fingerprint, 'pending'],
    ]);
    const pending = listed[1];
    const approved = await json<Key>(
      await a.call('POST', `/api/v1/hosts/${h}/host-keys/${pending?.id}/approve`, { token: op }),
    );
    expect(approved.status).toBe('pinned');
    expect((await keys(h)).map((k) => [k.fingerprint, k.status])).toEqual([
      [B.fingerprint, 'pinned'],
      [A.fingerprint, 'retired'],
    ]);
    expect(await checkHostKey(t.db, h, B)).toEqual({ action: 'accept' });
    const again = await a.call('POST', `/api/v1/hosts/${h}/host-keys/${pending?.id}/approve`, { token: op });
    expect(again.status).toBe(409);
    expect(await codes()).toEqual([
      'host_key.pinned',
      'host_key.mismatch',
      'host_key.mismatch',
      'host_key.approved',
    ]);
  });

  it('pinned policy: only a pre-provisioned key; rejected keys stay untrusted', async () => {
    const h = await newHost('pinned-1', 'pinned');
    expect(await checkHostKey(t.db, h, A)).toEqual({ action: 'mismatch' });
    const pinned = await json<Key>(
      await a.call('POST', `/api/v1/hosts/${h}/host-keys`, {
        token: op,
        body: { key_type: 'ecdsa-sha2-nistp256', fingerprint: C.fingerprint },
      }),
      201,
    );
    expect(pinned.status).toBe('pinned');
    expect(await checkHostKey(t.db, h, C)).toEqual({ action: 'accept' });
    const pendingA = (await keys(h)).find((k) => k.fingerprint === A.fingerprint);
    expect(pendingA?.status).toBe('pending');
    const rejected = await json<Key>(
      await a.call('POST', `/api/v1/hosts/${h}/host-keys/${pendingA?.id}/reject`, { token: op }),
    );
    expect(rejected.status).toBe('rejected');
    expect(await checkHostKey(t.db, h, C)).toEqual({ action: 'accept' });
    const badFp = await a.call('POST', `/api/v1/hosts/${h}/host-keys`, {
      token: op,
      body: { key_type: 'ssh-ed25519', fingerprint: 'MD5:aa:bb' },
    });
    expect(badFp.status).toBe(400);

    // A tofu host whose only known key was rejected does not trust it on first use.
    const h2 = await newHost('tofu-2', 'tofu');
    expect(await checkHostKey(t.db, h2, A)).toEqual({ action: 'pin_first_use' });
    expect(await checkHostKey(t.db, h2, B)).toEqual({ action: 'mismatch', pinned: A.fingerprint });
    const b = (await keys(h2)).find((k) => k.fingerprint === B.fingerprint);
    await json(await a.call('POST', `/api/v1/hosts/${h2}/host-keys/${b?.id}/reject`, { token: op }));
    await t.db.query(`update host_keys set status = 'retired' where host_id = $1 and status = 'pinned'`, [
      h2,
    ]);
    expect(await checkHostKey(t.db, h2, B)).toEqual({ action: 'mismatch' });
  });

  it('concurrent first connections pin exactly one key', async () => {
    const h = await newHost('race', 'tofu');
    const results = await Promise.all([checkHostKey(t.db, h, A), checkHostKey(t.db, h, B)]);
    expect(results.map((r) => r?.action).sort()).toEqual(['mismatch', 'pin_first_use']);
    expect((await keys(h)).filter((k) => k.status === 'pinned')).toHaveLength(1);
  });
});
