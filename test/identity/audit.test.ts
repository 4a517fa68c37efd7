import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, audit } from '../../core/audit/append.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { sqlState } from '../../core/db/types.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const INSUFFICIENT_PRIVILEGE = '42501';

describe('audit log: append-only, hash-chained', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('never forks under concurrent writers: ids stay contiguous and every row links to the one before', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit(t.db, { code: 'config.changed', actor: ANONYMOUS, details: { n: i } }),
      ),
    );
    const { rows } = await t.db.query<{ id: string; prev_hash: string; hash: string }>(
      'select id, prev_hash, hash from audit_events order by id',
    );
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(await verifyAuditChain(t.db)).toEqual({ checked: 40, lastId: 40, broken: undefined });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    for (const sql of ['update audit_events set code = $1', 'delete from audit_events where code <> $1']) {
      const err = await t.db.query(sql, ['x']).catch((e: unknown) => e);
      expect(sqlState(err)).toBe(INSUFFICIENT_PRIVILEGE);
    }
    expect(sqlState(await t.db.query('truncate audit_events').catch((e: unknown) => e))).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it('redacts secret fields in details', async () => {
    await audit(t.db, {
      code: 'config.changed',
      actor: ANONYMOUS,
      details: { password: 'hunter2', nested: { api_token: 'owk_x', keep: 'visible' } },
    });
    const { rows } = await t.db.query<{ details: object }>(
      'select details from audit_events order by id desc limit 1',
    );
    expect(rows[0]?.details).toEqual({
      password: 'REDACTED',
      nested: { api_token: 'REDACTED', keep: 'visible' },
    });
  });

  it('`openwatch audit verify` passes an intact chain and names the first row altered behind the trigger', async () => {
    const env = { OPENWATCH_DATABASE_DSN: t.dsn };
    const ok = await runCli(['audit', 'verify'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit chain intact: 41 events verified (last id 41)\n');

    await t.db.query('alter table audit_events disable trigger audit_events_no_update_delete');
    await t.db.query(`update audit_events set details = '{"n": 999}' where id = 17`);
    await t.db.query('alter table audit_events enable trigger audit_events_no_update_delete');
    const bad = await runCli(['audit', 'verify'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('audit chain BROKEN at event id 17: its content does not match its hash');

    // Rewriting the row with a matching hash only moves the break to the next row's link.
    await t.db.query('alter table audit_events disable trigger audit_events_no_update_delete');
    await t.db.query(`update audit_events set details = '{"n": 16}' where id = 17`);
    await t.db.query(`delete from audit_events where id = 30`);
    await t.db.query('alter table audit_events enable trigger audit_events_no_update_delete');
    const gap = await runCli(['audit', 'verify'], { env });
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain('BROKEN at event id 31: rows 30–30 are missing before it');
  });
});

describe('audit API: search, cursor pagination, export', () => {
  let t: TestDatabase;
  let a: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'auditor1', ['auditor']);
    await seedUser(t.db, 'viewer1', ['viewer']);
    await a.call('POST', '/api/v1/auth/login', {
      body: { username: 'viewer1', password: 'wrong password 1' },
    });
    token = (await loginAs(a, 'auditor1')).access_token;
    for (let i = 0; i < 5; i++)
      await audit(t.db, { code: 'config.changed', actor: { id: null, name: 'cli' }, details: { i } });
  });
  afterAll(async () => t.drop());

  it('filters by code prefix and actor, and pages with a cursor', async () => {
    const byCode = (await (
      await a.call('GET', '/api/v1/audit/events?code=auth.login', { token })
    ).json()) as {
      items: Array<{ code: string }>;
    };
    expect(byCode.items.map((e) => e.code)).toEqual(['auth.login.succeeded', 'auth.login.failed']);
    const byActor = (await (
      await a.call('GET', '/api/v1/audit/events?actor=cli&limit=2', { token })
    ).json()) as {
      items: Array<{ id: number; details: { i: number } }>;
      next_cursor: string;
    };
    expect(byActor.items.map((e) => e.details.i)).toEqual([4, 3]);
    const next = (await (
      await a.call(`GET`, `/api/v1/audit/events?actor=cli&limit=2&cursor=${byActor.next_cursor}`, { token })
    ).json()) as { items: Array<{ details: { i: number } }> };
    expect(next.items.map((e) => e.details.i)).toEqual([2, 1]);
    const since = new Date(Date.now() + 60_000).toISOString();
    const none = (await (
      await a.call('GET', `/api/v1/audit/events?since=${encodeURIComponent(since)}`, { token })
    ).json()) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
  });

  it('exports CSV and JSON and audits the export; viewers may not', async () => {
    const csv = await a.call('GET', '/api/v1/audit/events/export?format=csv&code=config.changed', { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="openwatch-audit-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,time,code,actor_id,actor_name,target_type,target_id,ip,details,prev_hash,hash');
    expect(lines).toHaveLength(6);
    const json = (await (await a.call('GET', '/api/v1/audit/events/export', { token })).json()) as {
      items: unknown[];
    };
    expect(json.items.length).toBeGreaterThan(7);
    const viewer = (await loginAs(a, 'viewer1')).access_token;
    expect((await a.call('GET', '/api/v1/audit/events/export', { token: viewer })).status).toBe(403);
    const { rows } = await t.db.query(`select 1 from audit_events where code = 'audit.exported'`);
    expect(rows).toHaveLength(2);
  });
});
