import { expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../core/crypto/bytes.ts';
import { signAccessToken, signingKeyFromPem } from '../../core/identity/jwt.ts';
import type { ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { newEd25519Pem } from '../helpers/identity.ts';

interface Tokens {
  access_token: string;
  refresh_token: string;
}

/**
 * Sign-in, tokens, lockout and audit over HTTP: the same on every runtime. Runs inside apiSuite, against
 * its server and database.
 */
export function authSuite(get: () => { api: ApiTarget; t: TestDatabase }): void {
  const json = { 'content-type': 'application/json' };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    get().api.fetch(path, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const me = (token: string) => get().api.fetch('/api/v1/auth/me', { headers: bearer(token) });

  it('auth: login, /auth/me, refresh rotation with reuse detection, logout', async () => {
    const { t } = get();
    await seedUser(t.db, 'suite_admin', ['admin']);
    const login = await post('/api/v1/auth/login', { username: 'suite_admin', password: STRONG });
    expect(login.status).toBe(200);
    const first = (await login.json()) as Tokens;
    const who = await me(first.access_token);
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ username: 'suite_admin', roles: ['admin'] });

    const r1 = await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(r1.status).toBe(200);
    const second = (await r1.json()) as Tokens;
    expect((await me(second.access_token)).status).toBe(200);
    // The spent refresh token is refused, and presenting it revoked the whole session.
    expect((await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token })).status).toBe(401);
    expect((await me(second.access_token)).status).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refresh_token: second.refresh_token })).status).toBe(401);

    const third = (await (
      await post('/api/v1/auth/login', { username: 'suite_admin', password: STRONG })
    ).json()) as Tokens;
    const out = await post('/api/v1/auth/logout', {}, bearer(third.access_token));
    expect(out.status).toBe(204);
    expect((await me(third.access_token)).status).toBe(401);

    const events = await t.db.query<{ code: string }>('select code from audit_events order by id');
    expect(events.rows.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        'auth.login.succeeded',
        'auth.token.refreshed',
        'auth.refresh.reused',
        'auth.logout',
      ]),
    );
  });

  it('auth: your sessions listed and one revoked (its next request 401); the audit chain verifies', async () => {
    const { t } = get();
    await seedUser(t.db, 'suite_sessions', ['auditor']);
    const signIn = async () =>
      (await (
        await post('/api/v1/auth/login', { username: 'suite_sessions', password: STRONG })
      ).json()) as Tokens;
    const [one, two] = [await signIn(), await signIn()];
    const listed = await get().api.fetch('/api/v1/auth/sessions', { headers: bearer(one.access_token) });
    expect(listed.status).toBe(200);
    const items = ((await listed.json()) as { items: Array<{ id: string; current: boolean }> }).items;
    expect(items).toHaveLength(2);
    const other = items.find((s) => !s.current)?.id ?? '';
    const del = await get().api.fetch(`/api/v1/auth/sessions/${other}`, {
      method: 'DELETE',
      headers: bearer(one.access_token),
    });
    expect(del.status).toBe(204);
    expect((await me(two.access_token)).status).toBe(401);
    expect((await me(one.access_token)).status).toBe(200);

    const verify = await get().api.fetch('/api/v1/audit/verify', { headers: bearer(one.access_token) });
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ intact: true, broken: null });
  });

  it('auth: tampered tokens (alg none, wrong key, expired, altered claims) get one 401 envelope', async () => {
    const { api } = get();
    const tok = (await (
      await post('/api/v1/auth/login', { username: 'suite_admin', password: STRONG })
    ).json()) as Tokens;
    const [h, p, sig] = tok.access_token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
      sub: string;
      sid: string;
      iat: number;
    };
    const enc = (o: object) => toBase64Url(utf8(JSON.stringify(o)));
    const real = await signingKeyFromPem(api.signingKeyPem);
    expect(real.kid).toBe(header.kid);
    const other = await signingKeyFromPem(newEd25519Pem());
    const now = Math.floor(Date.now() / 1000);
    const tampered = [
      `${enc({ ...header, alg: 'none' })}.${p}.`,
      await signAccessToken(other, claims, 900),
      await signAccessToken({ ...other, kid: real.kid }, claims, 900),
      await signAccessToken(real, claims, 60, now - 3600),
      `${h}.${enc({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${sig}`,
    ];
    for (const token of tampered) {
      const res = await api.fetch('/api/v1/auth/me', {
        headers: { ...bearer(token), 'x-correlation-id': 'tampered' },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'unauthenticated', message: 'authentication required', correlation_id: 'tampered' },
      });
    }
    expect((await me(tok.access_token)).status).toBe(200);
  });

  it('auth: repeated wrong passwords lead to 429 with Retry-After and a lockout, all audited', async () => {
    const { t, api } = get();
    await seedUser(t.db, 'suite_victim', ['viewer']);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await post('/api/v1/auth/login', { username: 'suite_victim', password: `not it ${i} at all` }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await post('/api/v1/auth/login', { username: 'suite_victim', password: STRONG });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    const admin = (await (
      await post('/api/v1/auth/login', { username: 'suite_admin', password: STRONG })
    ).json()) as Tokens;
    const res = await api.fetch('/api/v1/audit/events?actor=suite_victim', {
      headers: bearer(admin.access_token),
    });
    expect(res.status).toBe(200);
    const codes = ((await res.json()) as { items: Array<{ code: string }> }).items.map((e) => e.code);
    expect(codes.filter((c) => c === 'auth.login.failed')).toHaveLength(5);
    expect(codes).toContain('auth.lockout');
  });

  it('auth: a role without the permission gets 403, audited; an API token works as Bearer', async () => {
    const { t, api } = get();
    await seedUser(t.db, 'suite_viewer', ['viewer']);
    const viewer = (await (
      await post('/api/v1/auth/login', { username: 'suite_viewer', password: STRONG })
    ).json()) as Tokens;
    const denied = await api.fetch('/api/v1/users', { headers: bearer(viewer.access_token) });
    expect(denied.status).toBe(403);
    const created = await post(
      '/api/v1/auth/tokens',
      { name: 'suite', role: 'viewer' },
      bearer(viewer.access_token),
    );
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect((await me(token)).status).toBe(200);
    const denials = await t.db.query(
      `select 1 from audit_events where code = 'authz.denied' and actor_name = 'suite_viewer'`,
    );
    expect(denials.rows).toHaveLength(1);
  });

  it('auth: the bundled password blocklist and the secret envelope (MFA enrolment) work on this runtime', async () => {
    const admin = (await (
      await post('/api/v1/auth/login', { username: 'suite_admin', password: STRONG })
    ).json()) as Tokens;
    const user = { username: 'suite_new', email: 'new@example.test', roles: ['viewer'] };
    const weak = await post(
      '/api/v1/users',
      { ...user, password: 'qwertyqwerty' },
      bearer(admin.access_token),
    );
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { error: { code: string } }).error.code).toBe('weak_password');
    const ok = await post('/api/v1/users', { ...user, password: STRONG }, bearer(admin.access_token));
    expect(ok.status).toBe(201);
    const enrol = await post('/api/v1/auth/mfa/enrol', {}, bearer(admin.access_token));
    expect(enrol.status).toBe(200);
    expect(((await enrol.json()) as { provisioning_uri: string }).provisioning_uri).toMatch(
      /^otpauth:\/\/totp\//,
    );
    const { rows } = await get().t.db.query<{ mfa_secret: string }>(
      `select mfa_secret from users where username = 'suite_admin'`,
    );
    expect(rows[0]?.mfa_secret).toMatch(/^v1:[0-9a-f]{8}:/);
  });
}
