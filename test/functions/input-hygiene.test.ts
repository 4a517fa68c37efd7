import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { storableText, textProblem, truncateText } from '../../core/text.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Envelope {
  error: { code: string; details?: Array<{ field: string; message: string }> };
}

const EMOJI = '\u{1F512}';

describe('text helpers', () => {
  it('truncates by code point and never leaves half a surrogate pair', () => {
    const s = 'x'.repeat(999) + EMOJI;
    expect(truncateText(s, 1000)).toBe(s);
    expect(truncateText(s, 999)).toBe('x'.repeat(999));
    expect(truncateText(EMOJI.repeat(3), 2)).toBe(EMOJI.repeat(2));
    expect(truncateText('abc', 10)).toBe('abc');
  });

  it('names NUL and unpaired surrogates, and accepts paired ones', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('\ud800')).toMatch(/surrogate/);
    expect(textProblem('x\udc00')).toMatch(/surrogate/);
    expect(textProblem(`ok ${EMOJI}`)).toBeUndefined();
    expect(storableText('a\u0000\ud800b')).toBe('a\uFFFDb');
  });
});

describe('input hygiene at the boundary', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'hygiene_admin', ['admin']);
    token = (await loginAs(app, 'hygiene_admin')).access_token;
  });
  afterAll(async () => t.drop());

  async function refused(res: Response, field: string): Promise<void> {
    expect(res.status).toBe(400);
    const body = (await res.json()) as Envelope;
    expect(body.error.code).toBe('validation_error');
    expect(body.error.details?.[0]?.field).toBe(field);
  }

  it('refuses NUL and lone surrogates in body strings at any depth with 400 naming the field', async () => {
    await refused(
      await app.call('POST', '/api/v1/groups', { token, body: { name: 'a\u0000b' } }),
      'body.name',
    );
    await refused(
      await app.call('POST', '/api/v1/groups', { token, body: { name: 'g1', description: '\ud800' } }),
      'body.description',
    );
    await refused(
      await app.call('POST', '/api/v1/groups', { token, body: { name: [{ deeper: 'x\u0000' }] } }),
      'body.name.0.deeper',
    );
  });

  it('refuses deep nesting before anything walks it', async () => {
    const depth = 100_000;
    const raw = `{"name":${'['.repeat(depth)}"leaf"${']'.repeat(depth)}}`;
    const res = await app.app.fetch(
      new Request('https://openwatch.test/api/v1/groups', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: raw,
      }),
    );
    await refused(res, 'body.name' + '.0'.repeat(31));
  });

  it('refuses NUL in the query (a percent-encoded %00 in a search)', async () => {
    await refused(await app.call('GET', '/api/v1/rules?q=a%00b', { token }), 'query.q');
    await refused(await app.call('GET', '/api/v1/audit/events?actor=a%00', { token }), 'query.actor');
  });

  it('stores a 999-character description followed by an emoji, audit included, without splitting it', async () => {
    const description = 'd'.repeat(999) + EMOJI;
    const res = await app.call('POST', '/api/v1/groups', { token, body: { name: 'emoji', description } });
    expect(res.status).toBe(201);
    const { rows } = await t.db.query<{ details: { description: string } }>(
      `select details from audit_events where code = 'group.created' order by id desc limit 1`,
    );
    expect(rows[0]?.details.description).toBe(description);
    expect((await verifyAuditChain(t.db)).broken).toBeUndefined();
  });

  it('audits a sign-in refused for its username (NUL, broken Unicode, too long)', async () => {
    for (const username of ['root\u0000', 'r\ud800t', 'u'.repeat(300) + EMOJI]) {
      const res = await app.call('POST', '/api/v1/auth/login', {
        body: { username, password: 'whatever-password' },
        ip: '198.51.100.7',
      });
      expect(res.status).toBe(400);
    }
    const { rows } = await t.db.query<{ details: { username: string; reason: string } }>(
      `select details from audit_events where code = 'auth.login.failed' and ip = '198.51.100.7' order by id`,
    );
    expect(rows.map((r) => r.details.reason)).toEqual(['invalid_input', 'invalid_input', 'invalid_input']);
    expect(rows.map((r) => r.details.username)).toEqual(['root', 'r\uFFFDt', 'u'.repeat(200)]);
  });

  it('audits a failed sign-in whose odd username passes validation', async () => {
    const username = 'x'.repeat(63) + EMOJI;
    const res = await app.call('POST', '/api/v1/auth/login', {
      body: { username, password: 'whatever-password' },
      ip: '198.51.100.8',
    });
    expect(res.status).toBe(401);
    const { rows } = await t.db.query<{ details: { username: string; reason: string } }>(
      `select details from audit_events where code = 'auth.login.failed' and ip = '198.51.100.8'`,
    );
    expect(rows[0]?.details).toMatchObject({ username, reason: 'unknown_user' });
  });
});
