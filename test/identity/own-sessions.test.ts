import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, setCookies, STRONG, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface SessionItem {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

const sidOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;

describe('your own sessions: list and revoke (GET/DELETE /api/v1/auth/sessions)', () => {
  let t: TestDatabase;
  let a: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'alice', ['viewer']);
    await seedUser(t.db, 'bob', ['viewer']);
  });
  afterAll(async () => t.drop());

  const list = async (token: string): Promise<SessionItem[]> => {
    const res = await a.call('GET', '/api/v1/auth/sessions', { token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: SessionItem[] }).items;
  };

  it('lists only the caller’s live sessions, marks the current one, and never returns a token or hash', async () => {
    const laptop = await loginAs(a, 'alice', STRONG, '198.51.100.7');
    const phone = await loginAs(a, 'alice', STRONG, '198.51.100.8');
    const ended = await loginAs(a, 'alice');
    expect((await a.call('POST', '/api/v1/auth/logout', { token: ended.access_token })).status).toBe(204);
    const bobs = await loginAs(a, 'bob');

    const res = await a.call('GET', '/api/v1/auth/sessions', { token: laptop.access_token });
    const text = await res.text();
    const items = (JSON.parse(text) as { items: SessionItem[] }).items;
    expect(items.map((s) => s.id).sort()).toEqual(
      [sidOf(laptop.access_token), sidOf(phone.access_token)].sort(),
    );
    expect(items.find((s) => s.current)?.id).toBe(sidOf(laptop.access_token));
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items.find((s) => s.id === sidOf(phone.access_token))).toMatchObject({
      ip: '198.51.100.8',
      current: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_used_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(text).not.toContain(sidOf(bobs.access_token));
    for (const secret of [laptop.refresh_token, phone.refresh_token, laptop.access_token])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/csrf|hash|token/i);
  });

  it('revokes another session: its next request is 401, the caller’s stays valid, and it is audited', async () => {
    const laptop = await loginAs(a, 'alice');
    const phone = await loginAs(a, 'alice');
    const phoneId = sidOf(phone.access_token);
    const res = await a.call('DELETE', `/api/v1/auth/sessions/${phoneId}`, { token: laptop.access_token });
    expect(res.status).toBe(204);
    expect(setCookies(res)).toHaveLength(0);
    expect((await a.call('GET', '/api/v1/auth/me', { token: phone.access_token })).status).toBe(401);
    const refresh = await a.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: phone.refresh_token },
    });
    expect(refresh.status).toBe(401);
    expect((await a.call('GET', '/api/v1/auth/me', { token: laptop.access_token })).status).toBe(200);
    expect((await list(laptop.access_token)).map((s) => s.id)).not.toContain(phoneId);

    const { rows } = await t.db.query<{ actor_name: string; target_id: string; details: unknown }>(
      `select actor_name, target_id, details from audit_events where code = 'auth.session.revoked'`,
    );
    expect(rows).toEqual([{ actor_name: 'alice', target_id: phoneId, details: { current: false } }]);
    // Revoking it again, or a session that never existed: 404, nothing more audited.
    const again = await a.call('DELETE', `/api/v1/auth/sessions/${phoneId}`, { token: laptop.access_token });
    expect(again.status).toBe(404);
    const { rows: after } = await t.db.query(
      `select 1 from audit_events where code = 'auth.session.revoked'`,
    );
    expect(after).toHaveLength(1);
  });

  it('refuses to revoke someone else’s session (404) and rejects a malformed id (400)', async () => {
    const alice = await loginAs(a, 'alice');
    const bob = await loginAs(a, 'bob');
    const res = await a.call('DELETE', `/api/v1/auth/sessions/${sidOf(bob.access_token)}`, {
      token: alice.access_token,
    });
    expect(res.status).toBe(404);
    expect((await a.call('GET', '/api/v1/auth/me', { token: bob.access_token })).status).toBe(200);
    const bad = await a.call('DELETE', '/api/v1/auth/sessions/not-a-uuid', { token: alice.access_token });
    expect(bad.status).toBe(400);
  });

  it('revoking the current cookie session signs it out and clears its cookies', async () => {
    const login = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'alice', password: STRONG, client: 'browser' },
    });
    const body = (await login.json()) as { csrf_token: string };
    const jar = setCookies(login)
      .map((c) => c.split(';')[0])
      .join('; ');
    const mine = await a.call('GET', '/api/v1/auth/sessions', { headers: { cookie: jar } });
    const current = ((await mine.json()) as { items: SessionItem[] }).items.find((s) => s.current);
    expect(current).toBeDefined();
    const res = await a.call('DELETE', `/api/v1/auth/sessions/${current?.id ?? ''}`, {
      headers: { cookie: jar, 'x-csrf-token': body.csrf_token },
    });
    expect(res.status).toBe(204);
    const cleared = setCookies(res);
    expect(cleared).toHaveLength(3);
    expect(cleared.every((c) => c.includes('Max-Age=0'))).toBe(true);
    expect((await a.call('GET', '/api/v1/auth/me', { headers: { cookie: jar } })).status).toBe(401);
  });
});
