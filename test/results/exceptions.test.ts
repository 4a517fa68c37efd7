import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import type { RuleResult } from '../../engine/types.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from './fixtures.ts';

interface Exc {
  id: string;
  state: string;
  expires_at: string | null;
  requested_by: { id: string; username: string | null } | null;
  decided_by: { id: string; username: string | null } | null;
}
interface HostResults {
  score: number | null;
  items: { rule_id: string; status: string; exception: { id: string; state: string } | null }[];
}
interface Posture {
  score: number | null;
  score_with_exceptions: number | null;
  excepted_fail: number;
}

describe('rule exceptions', () => {
  let t: TestDatabase;
  let a: TestApp;
  const tok: Record<string, string> = {};
  let hostA: string;
  let hostB: string;
  let group: string;

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await a.call(method, path, {
      token: tok[who] ?? '',
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const request = async (who: string, body: Record<string, unknown>) => {
    const r = await call(who, 'POST', '/api/v1/exceptions', { reason: 'compensating control', ...body });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json as unknown as Exc;
  };
  const decide = (who: string, id: string, verb: string, body: unknown = {}) =>
    call(who, 'POST', `/api/v1/exceptions/${id}/${verb}`, body);
  const posture = async (q = '') =>
    (await call('viewer', 'GET', `/api/v1/posture${q}`)).json as unknown as Posture;
  const hostResults = async (id: string) =>
    (await call('viewer', 'GET', `/api/v1/hosts/${id}/results`)).json as unknown as HostResults;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 10_000, login_limit_per_account: 10_000 });
    const users: [string, string][] = [
      ['op1', 'operator'],
      ['op2', 'operator'],
      ['sec', 'security_admin'],
      ['adm', 'admin'],
      ['viewer', 'viewer'],
    ];
    for (const [name, role] of users) {
      await seedUser(t.db, `exc_${name}`, [role]);
      tok[name] = (await loginAs(a, `exc_${name}`)).access_token;
    }
    const entry = (id: string) => ({
      rule_id: id,
      title: `Title ${id}`,
      severity: 'high',
      category: 'test',
      tags: [],
      refs: {},
      platforms: [],
    });
    await upsertCatalog(t.db, [entry('r1'), entry('r2'), entry('r3')], 'v1');
    hostA = await seedHost(t.db, 'exc-a');
    hostB = await seedHost(t.db, 'exc-b');
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name) values ('exc-web') returning id::text as id`,
    );
    group = rows[0]?.id ?? '';
    await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [group, hostB]);
    const apply = async (host: string, results: RuleResult[]) =>
      applyScanResults(t.db, {
        scanId: await newScan(t.db, host),
        hostId: host,
        report: { results },
        completedAt: new Date(Date.now() - 60 * 60 * 1000),
      });
    await apply(hostA, [result('r1', 'fail'), result('r2', 'pass'), result('r3', 'fail')]);
    await apply(hostB, [result('r1', 'fail')]);
  }, 120_000);
  afterAll(async () => t.drop());

  it('validates a request: reason required and ≤ 2000, one target, a known rule, a future expiry', async () => {
    const post = (body: unknown) => call('op1', 'POST', '/api/v1/exceptions', body);
    expect((await post({ host_id: hostA, rule_id: 'r1' })).status).toBe(400);
    expect((await post({ host_id: hostA, rule_id: 'r1', reason: '   ' })).status).toBe(400);
    expect((await post({ host_id: hostA, rule_id: 'r1', reason: 'x'.repeat(2001) })).status).toBe(400);
    expect((await post({ rule_id: 'r1', reason: 'x' })).status).toBe(400);
    expect((await post({ host_id: hostA, group_id: group, rule_id: 'r1', reason: 'x' })).status).toBe(400);
    const past = new Date(Date.now() - 1000).toISOString();
    expect((await post({ host_id: hostA, rule_id: 'r1', reason: 'x', expires_at: past })).status).toBe(400);
    const unknown = await post({ host_id: hostA, rule_id: 'no_such_rule', reason: 'x' });
    expect([unknown.status, (unknown.json.error as { code: string }).code]).toEqual([422, 'rule_not_found']);
    expect(
      (await call('viewer', 'POST', '/api/v1/exceptions', { host_id: hostA, rule_id: 'r1', reason: 'x' }))
        .status,
    ).toBe(403);
    expect((await post({ host_id: hostA, rule_id: 'r1', reason: 'x'.repeat(2000) })).status).toBe(201);
  });

  it('is approved by another user; self-approval is refused and audited; the verdict stays fail', async () => {
    const before = await posture(`?host_id=${hostA}`);
    expect(before).toMatchObject({ score: 0.3333, score_with_exceptions: 0.3333, excepted_fail: 0 });

    const own = await request('adm', { host_id: hostA, rule_id: 'r1' });
    expect(own.state).toBe('requested');
    const self = await decide('adm', own.id, 'approve');
    expect([self.status, (self.json.error as { code: string }).code]).toEqual([
      403,
      'self_approval_forbidden',
    ]);
    expect((await decide('adm', own.id, 'reject')).status).toBe(403);
    const denied = await t.db.query(
      `select 1 from audit_events where code = 'authz.denied' and target_id = $1 and details->>'reason' = 'self_approval'`,
      [own.id],
    );
    expect(denied.rows).toHaveLength(2);
    expect((await decide('op2', own.id, 'approve')).status).toBe(403); // operators lack exceptions:approve

    const ok = await decide('sec', own.id, 'approve', { comment: 'ok until the migration' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ state: 'approved', decided_by: { username: 'exc_sec' } });
    expect((await decide('sec', own.id, 'approve')).status).toBe(409);

    const res = await hostResults(hostA);
    const r1 = res.items.find((i) => i.rule_id === 'r1');
    expect(r1).toMatchObject({
      status: 'fail',
      exception: { id: own.id, state: 'approved', expires_at: null },
    });
    expect(res.items.find((i) => i.rule_id === 'r3')?.exception).toBeNull();
    expect(res.score).toBe(0.3333);
    // Host: 1 pass, 2 fail, 1 excepted → 1 ÷ 2. Fleet: 1 pass, 3 fail, 1 excepted → 1 ÷ 3.
    expect(await posture(`?host_id=${hostA}`)).toMatchObject({
      score: 0.3333,
      score_with_exceptions: 0.5,
      excepted_fail: 1,
    });
    expect(await posture()).toMatchObject({ score: 0.25, score_with_exceptions: 0.3333, excepted_fail: 1 });
    // Before the approval nothing was excepted.
    const earlier = new Date(Date.now() - 30 * 60 * 1000).toISOString();
    expect(await posture(`?at=${encodeURIComponent(earlier)}`)).toMatchObject({
      score: 0.25,
      excepted_fail: 0,
    });
  });

  it('covers a group’s hosts; rejects; revokes (manage or approve, not read); audits each step', async () => {
    const g = await request('op1', { group_id: group, rule_id: 'r1' });
    expect((await decide('sec', g.id, 'approve')).status).toBe(200);
    expect((await hostResults(hostB)).items[0]?.exception?.id).toBe(g.id);
    expect(await posture()).toMatchObject({ score: 0.25, score_with_exceptions: 0.5, excepted_fail: 2 });
    const forB = (await call('viewer', 'GET', `/api/v1/exceptions?host_id=${hostB}`)).json.items as Exc[];
    expect(forB.map((e) => e.id)).toEqual([g.id]);

    const r = await request('op1', { host_id: hostA, rule_id: 'r3' });
    const rejected = await decide('sec', r.id, 'reject', { comment: 'fix it instead' });
    expect(rejected.json).toMatchObject({ state: 'rejected' });
    expect((await decide('op1', r.id, 'revoke')).status).toBe(409);
    expect((await hostResults(hostA)).items.find((i) => i.rule_id === 'r3')?.exception).toBeNull();

    const viewerRevoke = await decide('viewer', g.id, 'revoke');
    expect([viewerRevoke.status, (viewerRevoke.json.error as { code: string }).code]).toEqual([
      403,
      'forbidden',
    ]);
    const revoked = await decide('op2', g.id, 'revoke', { reason: 'host rebuilt' });
    expect(revoked.json).toMatchObject({ state: 'revoked' });
    expect((await hostResults(hostB)).items[0]?.exception).toBeNull();
    expect(await posture()).toMatchObject({ score_with_exceptions: 0.3333, excepted_fail: 1 });
    expect((await call('viewer', 'GET', `/api/v1/exceptions/${g.id}`)).json).toMatchObject({
      state: 'revoked',
    });

    const { rows } = await t.db.query<{ code: string }>(
      `select code from audit_events where target_type = 'exception' and target_id = any($1) and code like 'exception.%'
        order by id`,
      [[g.id, r.id]],
    );
    expect(rows.map((x) => x.code)).toEqual([
      'exception.requested',
      'exception.approved',
      'exception.requested',
      'exception.rejected',
      'exception.revoked',
    ]);
    const viewerDenied = await t.db.query(
      `select 1 from audit_events where code = 'authz.denied' and details->>'route' = 'POST /api/v1/exceptions/:id/revoke'`,
    );
    expect(viewerDenied.rows).toHaveLength(1);
  });

  it('expires by itself: an approved exception past its expiry no longer counts', async () => {
    const expiresAt = new Date(Date.now() + 3000);
    const e = await request('op1', { host_id: hostA, rule_id: 'r3', expires_at: expiresAt.toISOString() });
    expect((await decide('sec', e.id, 'approve')).json).toMatchObject({ state: 'approved' });
    expect(await posture(`?host_id=${hostA}`)).toMatchObject({ score_with_exceptions: 1, excepted_fail: 2 });
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now()) + 100));
    expect((await call('viewer', 'GET', `/api/v1/exceptions/${e.id}`)).json).toMatchObject({
      state: 'expired',
    });
    const expired = (await call('viewer', 'GET', `/api/v1/exceptions?state=expired&rule_id=r3`)).json
      .items as Exc[];
    expect(expired.map((x) => x.id)).toEqual([e.id]);
    expect((await hostResults(hostA)).items.find((i) => i.rule_id === 'r3')?.exception).toBeNull();
    expect(await posture(`?host_id=${hostA}`)).toMatchObject({
      score_with_exceptions: 0.5,
      excepted_fail: 1,
    });
    expect((await decide('sec', e.id, 'revoke')).status).toBe(409);
  });

  it('the database refuses self-approval too', async () => {
    const e = await request('adm', { host_id: hostB, rule_id: 'r2' });
    await expect(
      t.db.query(
        `update rule_exceptions set state = 'approved', decided_by = requested_by, decided_at = now() where id = $1`,
        [e.id],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
