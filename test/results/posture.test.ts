import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postureByFramework,
  postureCounts,
  postureSeries,
  recentChanges,
  topFailingHosts,
  topFailingRules,
  type Scope,
} from '../../core/db/sql/posture.ts';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { postureScore } from '../../core/results/score.ts';
import type { RuleResult } from '../../engine/types.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from './fixtures.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const now = Date.now();
const T1 = new Date(now - 3 * DAY);
const T2 = new Date(now - 1 * DAY);
const BETWEEN = new Date(now - 2 * DAY);
const BEFORE = new Date(now - 4 * DAY);

describe('posture and drift', () => {
  let t: TestDatabase;
  let a: TestApp;
  let token: string;
  let hostA: string;
  let hostB: string;
  let hostC: string;
  let group: string;
  let afterFirstScan: Awaited<ReturnType<typeof postureCounts>>;

  const apply = async (host: string, results: RuleResult[], at: Date) =>
    applyScanResults(t.db, {
      scanId: await newScan(t.db, host),
      hostId: host,
      report: { results },
      completedAt: at,
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    await seedUser(t.db, 'posture_viewer', ['viewer']);
    token = (await loginAs(a, 'posture_viewer')).access_token;
    const entry = (id: string, severity: string, refs: Record<string, unknown>) => ({
      rule_id: id,
      title: `Title ${id}`,
      severity,
      category: 'test',
      tags: [],
      refs,
      platforms: [],
    });
    await upsertCatalog(
      t.db,
      [
        entry('r1', 'high', { cis: { debian12: ['1.1'] }, stig: ['X-1'] }),
        entry('r2', 'low', { cis: { debian12: ['1.2'] } }),
        entry('r3', 'critical', { stig: ['X-3'] }),
        entry('r4', 'medium', {}),
      ],
      'v1',
    );
    hostA = await seedHost(t.db, 'host-a');
    hostB = await seedHost(t.db, 'host-b');
    hostC = await seedHost(t.db, 'host-c');
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name) values ('web') returning id::text as id`,
    );
    group = rows[0]?.id ?? '';
    await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [group, hostA]);

    await apply(
      hostA,
      [result('r1', 'pass'), result('r2', 'fail'), result('r3', 'not_applicable'), result('r4', 'error')],
      T1,
    );
    await apply(hostB, [result('r1', 'fail'), result('r2', 'pass')], T1);
    afterFirstScan = await postureCounts(t.db, { hostId: hostA });
    await apply(
      hostA,
      [result('r1', 'pass'), result('r2', 'pass'), result('r3', 'fail'), result('r4', 'error')],
      T2,
    );
  });
  afterAll(async () => t.drop());

  const score = async (scope: Scope, at?: Date) => postureScore(await postureCounts(t.db, scope, at));

  it('scores pass ÷ (pass + fail), leaving out not_applicable and error', async () => {
    expect(afterFirstScan).toMatchObject({
      pass: 1,
      fail: 1,
      error: 1,
      not_applicable: 1,
      hosts_assessed: 1,
      hosts_total: 1,
    });
    expect(postureScore(afterFirstScan)).toBe(0.5);
    expect(await score({ hostId: hostA })).toBe(0.6667);
    expect(await score({})).toBe(0.6); // A: 2 of 3, B: 1 of 2, pooled
    expect(await score({ groupId: group })).toBe(0.6667);
    expect(await score({ framework: 'cis' })).toBe(0.75); // r1, r2 on A and B
    expect(await score({ framework: 'stig' })).toBe(0.3333); // r1 pass on A, r1 fail on B, r3 fail on A
  });

  it('is null, not 0, for a host without a completed scan and before the first scan', async () => {
    const c = await postureCounts(t.db, { hostId: hostC });
    expect(c).toMatchObject({ pass: 0, fail: 0, hosts_assessed: 0, hosts_total: 1 });
    expect(postureScore(c)).toBeNull();
    const running = await newScan(t.db, hostC); // queued/running scans do not count
    expect(running).toBeTruthy();
    expect(await score({ hostId: hostC })).toBeNull();
    expect(await score({ hostId: hostA }, BEFORE)).toBeNull();
    expect(await score({}, BEFORE)).toBeNull();
  });

  it('posture at a time between two scans equals the first scan’s posture', async () => {
    const at = await postureCounts(t.db, { hostId: hostA }, BETWEEN);
    expect(at).toEqual(afterFirstScan);
    expect(await score({}, BETWEEN)).toBe(0.5); // A 1/2, B 1/2
    expect(await postureCounts(t.db, { hostId: hostA }, T2)).toEqual(
      await postureCounts(t.db, { hostId: hostA }),
    );
  });

  it('breaks down by framework and reconstructs a daily series from transactions', async () => {
    const fw = await postureByFramework(t.db, {}, ['cis', 'stig', 'pci_dss_4']);
    expect(fw.map((f) => [f.framework, postureScore(f)])).toEqual([
      ['cis', 0.75],
      ['stig', 0.3333],
    ]);
    const series = await postureSeries(t.db, {}, [BEFORE, BETWEEN, new Date(now)]);
    expect(series.map((s) => postureScore(s))).toEqual([null, 0.5, 0.6]);
    expect(series[1]).toMatchObject({ pass: 2, fail: 2, error: 1, not_applicable: 1 });
  });

  it('lists top failing rules and hosts, and changes to or from fail', async () => {
    expect(await topFailingRules(t.db, {}, 10)).toEqual([
      { rule_id: 'r3', title: 'Title r3', severity: 'critical', failing_hosts: 1 },
      { rule_id: 'r1', title: 'Title r1', severity: 'high', failing_hosts: 1 },
    ]);
    const hosts = await topFailingHosts(t.db, {}, 10);
    expect(hosts.map((h) => [h.hostname, h.fail, h.pass])).toEqual([
      ['host-a', 1, 2],
      ['host-b', 1, 1],
    ]);
    const changes = await recentChanges(t.db, {}, { since: BEFORE, before: undefined, limit: 100 });
    expect(changes.map((c) => [c.hostname, c.rule_id, c.previous_status, c.status])).toEqual([
      ['host-a', 'r3', 'not_applicable', 'fail'],
      ['host-a', 'r2', 'fail', 'pass'],
      ['host-b', 'r1', null, 'fail'],
      ['host-a', 'r2', null, 'fail'],
    ]);
    expect(
      await recentChanges(t.db, { hostId: hostB }, { since: BETWEEN, before: undefined, limit: 100 }),
    ).toEqual([]);
  });

  it('serves posture, trend, top failing, changes and host results over HTTP', async () => {
    const get = async (path: string) => {
      const res = await a.call('GET', path, { token });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await get('/api/v1/posture')).toMatchObject({
      at: null,
      score: 0.6,
      counts: { pass: 3, fail: 2, error: 1, not_applicable: 0 },
      hosts: { total: 3, assessed: 2 },
      frameworks: [
        { framework: 'cis', score: 0.75 },
        { framework: 'stig', score: 0.3333 },
      ],
    });
    expect(await get(`/api/v1/posture?host_id=${hostC}`)).toMatchObject({
      score: null,
      hosts: { total: 1, assessed: 0 },
    });
    expect(
      await get(`/api/v1/posture?host_id=${hostA}&at=${encodeURIComponent(BETWEEN.toISOString())}`),
    ).toMatchObject({
      score: 0.5,
    });
    expect(await get(`/api/v1/posture?group_id=${group}&framework=cis`)).toMatchObject({ score: 1 });

    const trend = (await get('/api/v1/posture/trend?days=5')) as {
      days: { date: string; score: number | null }[];
    };
    expect(trend.days).toHaveLength(5);
    expect(trend.days[0]?.score).toBeNull();
    expect(trend.days[4]).toMatchObject({ date: new Date(now).toISOString().slice(0, 10), score: 0.6 });

    expect(await get('/api/v1/posture/top-failing?limit=1')).toMatchObject({
      rules: [{ rule_id: 'r3', failing_hosts: 1 }],
      hosts: [{ hostname: 'host-a', score: 0.6667 }],
    });

    const page1 = (await get(
      `/api/v1/changes?since=${encodeURIComponent(BEFORE.toISOString())}&limit=3`,
    )) as {
      items: { rule: { id: string } }[];
      next_cursor: string | null;
    };
    expect(page1.items).toHaveLength(3);
    expect(page1.next_cursor).not.toBeNull();
    const page2 = (await get(
      `/api/v1/changes?since=${encodeURIComponent(BEFORE.toISOString())}&limit=3&cursor=${page1.next_cursor ?? ''}`,
    )) as { items: unknown[]; next_cursor: string | null };
    expect(page2).toMatchObject({
      items: [{ host: { hostname: 'host-a' }, rule: { id: 'r2' }, status: 'fail' }],
      next_cursor: null,
    });

    const results = await get(`/api/v1/hosts/${hostA}/results`);
    expect(results).toMatchObject({ host_id: hostA, score: 0.6667, counts: { pass: 2, fail: 1, error: 1 } });
    expect((results.items as unknown[])[0]).toMatchObject({
      rule_id: 'r1',
      title: 'Title r1',
      status: 'pass',
      check_count: 2,
      status_since: T1.toISOString(),
      last_checked_at: T2.toISOString(),
      evidence: [{ source: '/etc/r1', observed: 'x', expected: 'y' }],
    });
    expect(await get(`/api/v1/hosts/${hostA}/results?status=fail`)).toMatchObject({
      items: [{ rule_id: 'r3' }],
    });
    expect(await get(`/api/v1/hosts/${hostC}/results`)).toEqual({
      host_id: hostC,
      at: null,
      score: null,
      counts: { pass: 0, fail: 0, error: 0, not_applicable: 0, not_assessable: 0 },
      items: [],
    });
    const missing = await a.call('GET', '/api/v1/hosts/00000000-0000-4000-8000-000000000000/results', {
      token,
    });
    expect(missing.status).toBe(404);
    const bad = await a.call('GET', '/api/v1/posture?framework=nope&at=yesterday', { token });
    expect(bad.status).toBe(400);
  });
});
