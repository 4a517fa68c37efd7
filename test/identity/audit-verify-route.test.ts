import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, audit } from '../../core/audit/append.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Verdict {
  intact: boolean;
  checked: number;
  last_id: number;
  broken: { id: number; reason: string } | null;
  verified_at: string;
}

/** What a database superuser can do behind the append-only trigger. */
async function behindTrigger(t: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  await t.db.query('alter table audit_events disable trigger audit_events_no_update_delete');
  await t.db.query(sql, params);
  await t.db.query('alter table audit_events enable trigger audit_events_no_update_delete');
}

describe('GET /api/v1/audit/verify: the chain status `openwatch audit verify` reports', () => {
  let t: TestDatabase;
  let a: TestApp;
  let auditor = '';
  let viewer = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'auditor1', ['auditor']);
    await seedUser(t.db, 'vera', ['viewer']);
    for (let n = 0; n < 20; n++)
      await audit(t.db, { code: 'config.changed', actor: ANONYMOUS, details: { n } });
    auditor = (await loginAs(a, 'auditor1')).access_token;
    viewer = (await loginAs(a, 'vera')).access_token;
  });
  afterAll(async () => t.drop());

  const verify = async (): Promise<Verdict> => {
    const res = await a.call('GET', '/api/v1/audit/verify', { token: auditor });
    expect(res.status).toBe(200);
    return (await res.json()) as Verdict;
  };

  it('answers intact with the number of events checked', async () => {
    const { rows } = await t.db.query<{ n: string }>('select max(id)::text as n from audit_events');
    const last = Number(rows[0]?.n);
    expect(await verify()).toEqual({
      intact: true,
      checked: last,
      last_id: last,
      broken: null,
      verified_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('names the first altered event, then the first missing ones', async () => {
    const { rows } = await t.db.query<{ details: string }>(
      'select details::text as details from audit_events where id = 7',
    );
    const original = rows[0]?.details ?? '';
    await behindTrigger(t, `update audit_events set details = '{"n": 999}' where id = 7`);
    expect(await verify()).toMatchObject({
      intact: false,
      checked: 6,
      last_id: 6,
      broken: { id: 7, reason: 'its content does not match its hash (the row was altered)' },
    });
    // Put the row back as it was: the break moves to the gap.
    await behindTrigger(t, 'update audit_events set details = $1::jsonb where id = 7', [original]);
    await behindTrigger(t, 'delete from audit_events where id in (12, 13)');
    expect(await verify()).toMatchObject({
      intact: false,
      broken: { id: 14, reason: 'rows 12–13 are missing before it' },
    });
  });

  it('needs audit:read', async () => {
    const res = await a.call('GET', '/api/v1/audit/verify', { token: viewer });
    expect(res.status).toBe(403);
    expect((await a.call('GET', '/api/v1/audit/verify')).status).toBe(401);
  });
});
