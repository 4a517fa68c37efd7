import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, STRONG, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

describe('sign-in failures, rate limits and lockout', () => {
  let t: TestDatabase;
  let a: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, {
      login_limit_per_ip: 8,
      login_limit_per_account: 50,
      lockout_threshold: 5,
      lockout_base_seconds: 60,
    });
    await seedUser(t.db, 'bob', ['viewer']);
    await seedUser(t.db, 'carol', ['viewer']);
    await seedUser(t.db, 'dave', ['viewer']);
    await seedUser(t.db, 'admin', ['admin']);
  });
  afterAll(async () => t.drop());

  it('gives unknown user, wrong password and disabled account the same 401, in comparable time', async () => {
    const time = async (username: string, password: string, ip: string) => {
      const started = performance.now();
      const res = await a.call('POST', '/api/v1/auth/login', { body: { username, password }, ip });
      return { ms: performance.now() - started, err: await errorOf(res) };
    };
    const unknown = await time('nobody', STRONG, '198.51.100.1');
    const wrong = await time('bob', 'wrong password here', '198.51.100.2');
    await t.db.query(`update users set disabled_at = now() where username = 'carol'`);
    const disabled = await time('carol', STRONG, '198.51.100.3');
    for (const r of [unknown, wrong, disabled])
      expect(r.err).toEqual({
        status: 401,
        code: 'invalid_credentials',
        message: 'invalid username or password',
      });
    // Every path runs one scrypt verification; an unknown user is not answered noticeably faster.
    expect(unknown.ms).toBeGreaterThan(wrong.ms * 0.5);
    const { rows } = await t.db.query<{ reason: string }>(
      `select details->>'reason' as reason from audit_events where code = 'auth.login.failed' order by id`,
    );
    expect(rows.map((r) => r.reason)).toEqual(['unknown_user', 'bad_password', 'disabled']);
  });

  it('locks a username out after repeated failures: 429 with Retry-After, audited; an admin can unlock', async () => {
    const ip = '203.0.113.50';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await a.call('POST', '/api/v1/auth/login', {
        body: { username: 'dave', password: `wrong-${i}-password` },
        ip: `${ip}${i}`,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'dave', password: STRONG },
      ip,
    });
    expect(locked.status).toBe(429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect((await errorOf(locked)).code).toBe('locked_out');
    const { rows } = await t.db.query<{ details: { locked_seconds: number; username: string } }>(
      `select details from audit_events where code = 'auth.lockout'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ username: 'dave', locked_seconds: 60 });

    const admin = await loginAs(a, 'admin', STRONG, '203.0.113.99');
    const dave = await t.db.query<{ id: string }>(`select id from users where username = 'dave'`);
    const unlock = await a.call('POST', `/api/v1/users/${dave.rows[0]?.id}/unlock`, {
      token: admin.access_token,
      ip: '203.0.113.99',
    });
    expect(unlock.status).toBe(200);
    expect(
      (await a.call('POST', '/api/v1/auth/login', { body: { username: 'dave', password: STRONG }, ip }))
        .status,
    ).toBe(200);
    const unl = await t.db.query(`select 1 from audit_events where code = 'auth.unlock'`);
    expect(unl.rows).toHaveLength(1);
  });

  it('doubles the lockout each time, and treats unknown usernames the same way', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++)
        await a.call('POST', '/api/v1/auth/login', {
          body: { username: 'ghost', password: 'nope nope nope' },
          ip: `203.0.113.${10 + i}`,
        });
      const res = await a.call('POST', '/api/v1/auth/login', {
        body: { username: 'ghost', password: 'x' },
        ip: '203.0.113.20',
      });
      expect(res.status).toBe(429);
      // Expire the lockout to count the next round.
      if (round === 0)
        await t.db.query(`update login_lockouts set locked_until = now() where subject = 'ghost'`);
    }
    const { rows } = await t.db.query<{ s: number }>(
      `select (details->>'locked_seconds')::int as s from audit_events where code = 'auth.lockout' and details->>'username' = 'ghost' order by id`,
    );
    expect(rows.map((r) => r.s)).toEqual([60, 120]);
  });

  it('limits sign-in attempts per IP across usernames with 429 and Retry-After', async () => {
    const ip = '192.0.2.77';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await a.call('POST', '/api/v1/auth/login', {
        body: { username: `spray${i}`, password: 'whatever at all' },
        ip,
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const { rows } = await t.db.query(`select 1 from audit_events where code = 'auth.login.rate_limited'`);
    expect(rows).toHaveLength(1);
  });
});
