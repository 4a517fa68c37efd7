import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../core/crypto/bytes.ts';
import { signAccessToken, signingKeyFromPem } from '../../core/identity/jwt.ts';
import { CSRF_COOKIE, REFRESH_COOKIE } from '../../functions/auth/cookies.ts';
import { loginAs, seedUser, setCookies, STRONG, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newEd25519Pem } from '../helpers/identity.ts';

const UNAUTH = { code: 'unauthenticated', message: 'authentication required' };

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; correlation_id: string } };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

describe('sessions: login, access tokens, refresh rotation, logout', () => {
  let t: TestDatabase;
  let a: TestApp;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    aliceId = await seedUser(t.db, 'alice', ['viewer']);
  });
  afterAll(async () => t.drop());

  it('issues a 15-minute EdDSA JWT with kid, sub, sid, iat, exp, iss, aud and an opaque refresh token', async () => {
    const tok = await loginAs(a, 'alice');
    const [h, p] = tok.access_token.split('.');
    const header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: (await a.identity.signingKey()).kid, typ: 'at+jwt' });
    expect(claims).toEqual({
      sub: aliceId,
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: expect.any(Number),
      exp: claims.iat + 900,
      iss: 'openwatch',
      aud: 'openwatch-api',
    });
    expect(tok.refresh_token).toMatch(/^owr_[A-Za-z0-9_-]{43}$/);
    const { rows } = await t.db.query<{ token_hash: string }>('select token_hash from refresh_tokens');
    expect(rows.map((r) => r.token_hash)).not.toContain(tok.refresh_token);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const me = await a.call('GET', '/api/v1/auth/me', { token: tok.access_token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: aliceId, username: 'alice', roles: ['viewer'] });
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family and is audited', async () => {
    const first = await loginAs(a, 'alice');
    const r1 = await a.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(r1.status).toBe(200);
    const second = (await r1.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await a.call('GET', '/api/v1/auth/me', { token: second.access_token })).status).toBe(200);

    const reuse = await a.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: first.refresh_token },
    });
    expect(await errorOf(reuse)).toMatchObject({ status: 401, ...UNAUTH });
    // The family is gone: the newest refresh token and the access token issued with it stop working.
    const after = await a.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: second.refresh_token },
    });
    expect(after.status).toBe(401);
    expect((await a.call('GET', '/api/v1/auth/me', { token: second.access_token })).status).toBe(401);
    const { rows } = await t.db.query<{ code: string; details: { session_id: string } }>(
      `select code, details from audit_events where code = 'auth.refresh.reused'`,
    );
    expect(rows).toHaveLength(1);
    const { rows: s } = await t.db.query<{ revoke_reason: string }>(
      'select revoke_reason from sessions where id = $1',
      [rows[0]?.details.session_id],
    );
    expect(s[0]?.revoke_reason).toBe('refresh_token_reuse');
  });

  it('logout revokes the session: access and refresh tokens stop working', async () => {
    const tok = await loginAs(a, 'alice');
    const out = await a.call('POST', '/api/v1/auth/logout', { token: tok.access_token });
    expect(out.status).toBe(204);
    expect((await a.call('GET', '/api/v1/auth/me', { token: tok.access_token })).status).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: tok.refresh_token } })).status,
    ).toBe(401);
  });

  it('answers tampered tokens (alg none, wrong key, expired, altered claims) with one 401, the reason only logged', async () => {
    const tok = await loginAs(a, 'alice');
    const [h, p, sig] = tok.access_token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const enc = (o: object) => toBase64Url(utf8(JSON.stringify(o)));
    const real = await a.identity.signingKey();
    const other = await signingKeyFromPem(newEd25519Pem());
    const sub = String(claims.sub);
    const sid = String(claims.sid);
    const now = Math.floor(Date.now() / 1000);
    const tampered: Record<string, string> = {
      alg_none: `${enc({ ...header, alg: 'none' })}.${p}.`,
      wrong_key_unknown_kid: await signAccessToken(other, { sub, sid }, 900),
      wrong_key_known_kid: await signAccessToken({ ...other, kid: real.kid }, { sub, sid }, 900),
      expired: await signAccessToken(real, { sub, sid }, 60, now - 3600),
      altered_claims: `${h}.${enc({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${sig}`,
      altered_exp: `${h}.${enc({ ...claims, exp: now + 86_400 })}.${sig}`,
      hs256_with_public_key: `${enc({ alg: 'HS256', kid: real.kid, typ: 'at+jwt' })}.${p}.${sig}`,
      garbage: 'not.a.jwt',
    };
    const bodies = new Set<string>();
    for (const [name, token] of Object.entries(tampered)) {
      const res = await a.call('GET', '/api/v1/auth/me', {
        token,
        headers: { 'x-correlation-id': 'tamper' },
      });
      expect(res.status, name).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="openwatch"');
      bodies.add(await res.text());
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { ...UNAUTH, correlation_id: 'tamper' } })]);
    const reasons = a.logs.filter((l) => l.includes('"authentication failed"') && l.includes('tamper'));
    expect(reasons.length).toBe(Object.keys(tampered).length);
    expect(reasons.join('\n')).toMatch(/ERR_JWT_EXPIRED/);
    expect(reasons.join('\n')).toMatch(/ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    expect(reasons.join('\n')).toMatch(/unknown or retired kid/);
  });

  it('ends idle and expired sessions', async () => {
    const idle = await loginAs(a, 'alice');
    const sid = (
      JSON.parse(Buffer.from(idle.access_token.split('.')[1] ?? '', 'base64url').toString()) as {
        sid: string;
      }
    ).sid;
    await t.db.query(`update sessions set last_seen_at = now() - interval '31 minutes' where id = $1`, [sid]);
    expect((await a.call('GET', '/api/v1/auth/me', { token: idle.access_token })).status).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: idle.refresh_token } })).status,
    ).toBe(401);

    const old = await loginAs(a, 'alice');
    await t.db.query(
      `update sessions set expires_at = now() - interval '1 second' where user_id = $1 and revoked_at is null`,
      [aliceId],
    );
    expect((await a.call('GET', '/api/v1/auth/me', { token: old.access_token })).status).toBe(401);
  });

  it('verifies tokens of every registered key until it retires; the newest signs', async () => {
    const before = await loginAs(a, 'alice');
    const oldKid = (await a.identity.signingKey()).kid;
    a.identity.setPem(newEd25519Pem());
    const after = await loginAs(a, 'alice');
    const newKid = (await a.identity.signingKey()).kid;
    expect(newKid).not.toBe(oldKid);
    expect((await a.call('GET', '/api/v1/auth/me', { token: before.access_token })).status).toBe(200);
    expect((await a.call('GET', '/api/v1/auth/me', { token: after.access_token })).status).toBe(200);
    await t.db.query('update jwt_signing_keys set retired_at = now() where kid = $1', [oldKid]);
    expect((await a.call('GET', '/api/v1/auth/me', { token: before.access_token })).status).toBe(401);
    expect((await a.call('GET', '/api/v1/auth/me', { token: after.access_token })).status).toBe(200);
  });

  it('browser sessions: HttpOnly cookies, and unsafe methods need the double-submit CSRF header', async () => {
    const res = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'alice', password: STRONG, client: 'browser' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.access_token).toBeUndefined();
    expect(body.refresh_token).toBeUndefined();
    const cookies = setCookies(res);
    expect(cookies).toHaveLength(3);
    for (const c of cookies) expect(c).toMatch(/; Secure; SameSite=Strict/);
    expect(cookies.find((c) => c.startsWith('__Host-ow_access='))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith(`${REFRESH_COOKIE}=`))).toMatch(
      /Path=\/api\/v1\/auth;.*HttpOnly/,
    );
    expect(cookies.find((c) => c.startsWith(`${CSRF_COOKIE}=`))).not.toMatch(/HttpOnly/);
    const jar = cookies.map((c) => c.split(';')[0]).join('; ');
    const csrf = String(body.csrf_token);

    expect((await a.call('GET', '/api/v1/auth/me', { headers: { cookie: jar } })).status).toBe(200);
    // Unsafe method by cookie: no header → 403; wrong header → 403; right header → allowed.
    const noHeader = await a.call('POST', '/api/v1/auth/logout', { headers: { cookie: jar } });
    expect(await errorOf(noHeader)).toMatchObject({ status: 403, code: 'csrf_failed' });
    const wrong = await a.call('POST', '/api/v1/auth/logout', {
      headers: { cookie: jar, 'x-csrf-token': 'x' + csrf.slice(1) },
    });
    expect(wrong.status).toBe(403);
    const refreshed = await a.call('POST', '/api/v1/auth/refresh', {
      body: {},
      headers: { cookie: jar, 'x-csrf-token': csrf },
    });
    expect(refreshed.status).toBe(200);
    const jar2 = setCookies(refreshed)
      .map((c) => c.split(';')[0])
      .join('; ');
    const refreshNoCsrf = await a.call('POST', '/api/v1/auth/refresh', {
      body: {},
      headers: { cookie: jar2 },
    });
    expect(refreshNoCsrf.status).toBe(403);
    const out = await a.call('POST', '/api/v1/auth/logout', {
      headers: { cookie: jar2, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    expect(setCookies(out).every((c) => c.includes('Max-Age=0'))).toBe(true);
  });
});
