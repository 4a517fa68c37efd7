import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, stepAt } from '../../core/identity/totp.ts';
import { loginAs, seedUser, STRONG, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const code = (secret: string, offset: number) => hotp(base32Decode(secret), stepAt(Date.now()) + offset);

describe('MFA: TOTP enrolment, sign-in with a code, recovery codes', () => {
  let t: TestDatabase;
  let a: TestApp;
  let secret: string;
  let recovery: string[];

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000, lockout_threshold: 50, mfa_limit_per_account: 100 });
    await seedUser(t.db, 'erin', ['operator']);
  });
  afterAll(async () => t.drop());

  it('enrols: a provisioning URI, a secret stored only as an envelope, enabled by a valid code', async () => {
    const tok = await loginAs(a, 'erin');
    const enrol = await a.call('POST', '/api/v1/auth/mfa/enrol', { token: tok.access_token });
    expect(enrol.status).toBe(200);
    const body = (await enrol.json()) as { secret: string; provisioning_uri: string };
    secret = body.secret;
    expect(body.provisioning_uri).toMatch(
      /^otpauth:\/\/totp\/OpenWatch:erin\?secret=[A-Z2-7]{32}&issuer=OpenWatch/,
    );
    const { rows } = await t.db.query<{ mfa_secret: string; id: string }>(
      `select id, mfa_secret from users where username = 'erin'`,
    );
    expect(rows[0]?.mfa_secret).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(rows[0]?.mfa_secret).not.toContain(secret);

    const bad = await a.call('POST', '/api/v1/auth/mfa/verify', {
      token: tok.access_token,
      body: { code: '000000' },
    });
    expect(bad.status).toBe(400);
    const ok = await a.call('POST', '/api/v1/auth/mfa/verify', {
      token: tok.access_token,
      body: { code: await code(secret, 0) },
    });
    expect(ok.status).toBe(200);
    recovery = ((await ok.json()) as { recovery_codes: string[] }).recovery_codes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    for (const c of recovery) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const stored = await t.db.query<{ code_hash: string }>('select code_hash from mfa_recovery_codes');
    expect(stored.rows).toHaveLength(10);
    expect(stored.rows.map((r) => r.code_hash)).not.toContain(recovery[0]);
  });

  it('then requires a code at sign-in, and refuses a code already used in its window', async () => {
    const noCode = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: STRONG },
    });
    expect(noCode.status).toBe(401);
    expect(((await noCode.json()) as { error: { code: string } }).error.code).toBe('mfa_required');
    // The enrolment used the current step; the next one is still inside the ±1 window.
    const next = await code(secret, 1);
    const ok = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: STRONG, otp: next },
    });
    expect(ok.status).toBe(200);
    const replay = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: STRONG, otp: next },
    });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials');
    const wrongPwGoodCode = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: 'wrong password!!', otp: await code(secret, 1) },
    });
    expect(wrongPwGoodCode.status).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    const first = recovery[0] ?? '';
    const ok = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: STRONG, otp: first.toUpperCase() },
    });
    expect(ok.status).toBe(200);
    const again = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'erin', password: STRONG, otp: first },
    });
    expect(again.status).toBe(401);
    const { rows } = await t.db.query(`select 1 from audit_events where code = 'mfa.recovery_code.used'`);
    expect(rows).toHaveLength(1);
  });

  it('disables MFA only with the password or a code', async () => {
    const tok = (await (
      await a.call('POST', '/api/v1/auth/login', {
        body: { username: 'erin', password: STRONG, otp: recovery[1] },
      })
    ).json()) as { access_token: string };
    expect(
      (await a.call('POST', '/api/v1/auth/mfa/disable', { token: tok.access_token, body: {} })).status,
    ).toBe(400);
    expect(
      (
        await a.call('POST', '/api/v1/auth/mfa/disable', {
          token: tok.access_token,
          body: { password: 'not my password' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await a.call('POST', '/api/v1/auth/mfa/disable', {
          token: tok.access_token,
          body: { password: STRONG },
        })
      ).status,
    ).toBe(204);
    expect(
      (await a.call('POST', '/api/v1/auth/login', { body: { username: 'erin', password: STRONG } })).status,
    ).toBe(200);
    const { rows } = await t.db.query<{ code: string }>(
      `select code from audit_events where code like 'mfa.%' order by id`,
    );
    expect(rows.map((r) => r.code)).toEqual([
      'mfa.enrolment.started',
      'mfa.enabled',
      'mfa.recovery_code.used',
      'mfa.recovery_code.used',
      'mfa.disabled',
    ]);
  });
});

describe('MFA policy', () => {
  let t: TestDatabase;
  let a: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'root', ['admin']);
    await seedUser(t.db, 'sec', ['security_admin']);
    await seedUser(t.db, 'vic', ['viewer']);
  });
  afterAll(async () => t.drop());

  it('"admins": privileged accounts without MFA get a session that only allows enrolment', async () => {
    const root = await loginAs(a, 'root');
    const put = await a.call('PUT', '/api/v1/settings/mfa-policy', {
      token: root.access_token,
      body: { require: 'admins' },
    });
    expect(put.status).toBe(200);
    const { rows } = await t.db.query<{ details: object }>(
      `select details from audit_events where code = 'config.changed'`,
    );
    expect(rows[0]?.details).toEqual({ before: { require: 'none' }, after: { require: 'admins' } });

    const viewer = await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'vic', password: STRONG },
    });
    expect(((await viewer.json()) as { mfa_enrolment_required: boolean }).mfa_enrolment_required).toBe(false);

    const res = await a.call('POST', '/api/v1/auth/login', { body: { username: 'sec', password: STRONG } });
    const sec = (await res.json()) as { access_token: string; mfa_enrolment_required: boolean };
    expect(sec.mfa_enrolment_required).toBe(true);
    const users = await a.call('GET', '/api/v1/users', { token: sec.access_token });
    expect(users.status).toBe(403);
    expect(((await users.json()) as { error: { code: string } }).error.code).toBe('mfa_enrolment_required');
    expect((await a.call('GET', '/api/v1/auth/me', { token: sec.access_token })).status).toBe(200);
    const enrol = (await (
      await a.call('POST', '/api/v1/auth/mfa/enrol', { token: sec.access_token })
    ).json()) as { secret: string };
    const verify = await a.call('POST', '/api/v1/auth/mfa/verify', {
      token: sec.access_token,
      body: { code: await code(enrol.secret, 0) },
    });
    expect(verify.status).toBe(200);
    // The same session is now a full one.
    expect((await a.call('GET', '/api/v1/users', { token: sec.access_token })).status).toBe(200);
    // And MFA cannot be turned off while the policy requires it.
    const off = await a.call('POST', '/api/v1/auth/mfa/disable', {
      token: sec.access_token,
      body: { password: STRONG },
    });
    expect(off.status).toBe(409);
  });
});
