import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import type { RuleResult } from '../../engine/types.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from './fixtures.ts';

const HOUR = 60 * 60 * 1000;
const now = Date.now();
const T1 = new Date(now - 30 * HOUR);
const BETWEEN_1_2 = new Date(now - 25 * HOUR);
const T2 = new Date(now - 20 * HOUR);
const T3 = new Date(now - 10 * HOUR);
const BEFORE = new Date(now - 40 * HOUR);

interface Item {
  rule_id: string;
  status: string;
  evidence: Array<{ observed: string }>;
  last_scan_id: string;
  last_checked_at: string;
  status_since: string;
  check_count: number;
  remediation: string | null;
  exception: { id: string } | null;
}
interface Results {
  at: string | null;
  score: number | null;
  counts: Record<string, number>;
  items: Item[];
}

/** GET /api/v1/hosts/:id/results?at=: a host's rule results as they stood at a past time. */
describe('host results at a past time', () => {
  let t: TestDatabase;
  let a: TestApp;
  const tokens: Record<string, string> = {};
  let host: string;
  let other: string;
  const scans: string[] = [];

  const apply = async (h: string, results: RuleResult[], at: Date) => {
    const scanId = await newScan(t.db, h);
    await applyScanResults(t.db, { scanId, hostId: h, report: { results }, completedAt: at });
    return scanId;
  };
  const get = async (who: string, path: string) => {
    const res = await a.call('GET', path, { token: tokens[who] ?? '' });
    return { status: res.status, json: (await res.json()) as Results & { error?: { code: string } } };
  };
  const at = (d: Date, extra = '') =>
    `/api/v1/hosts/${host}/results?at=${encodeURIComponent(d.toISOString())}${extra}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    const entry = (id: string) => ({
      rule_id: id,
      title: `Title ${id}`,
      severity: 'high',
      category: 'test',
      tags: [],
      refs: {},
      platforms: [],
    });
    await upsertCatalog(t.db, ['r1', 'r2', 'r3'].map(entry), 'v1');
    await t.db.query(`update rule_catalog set remediation = 'Set it to y.'`);
    await seedUser(t.db, 'ra_viewer', ['viewer']);
    await seedUser(t.db, 'ra_op', ['operator']);
    await seedUser(t.db, 'ra_sec', ['security_admin']);
    await seedUser(t.db, 'ra_admin', ['admin']);
    for (const u of ['ra_viewer', 'ra_op', 'ra_sec', 'ra_admin'])
      tokens[u] = (await loginAs(a, u)).access_token;
    const role = await a.call('POST', '/api/v1/roles', {
      token: tokens.ra_admin,
      body: { name: 'hosts_only', permissions: ['hosts:read'] },
    });
    expect(role.status).toBe(201);
    await seedUser(t.db, 'ra_hosts', ['hosts_only']);
    tokens.ra_hosts = (await loginAs(a, 'ra_hosts')).access_token;

    host = await seedHost(t.db, 'at-host');
    other = await seedHost(t.db, 'other-host');
    scans.push(await apply(host, [result('r1', 'fail', 'bad-1'), result('r2', 'pass', 'ok-1')], T1));
    await apply(other, [result('r1', 'pass')], T1);
    scans.push(await apply(host, [result('r1', 'pass', 'ok-2'), result('r2', 'fail', 'bad-2')], T2));
    // A scan of one rule: r2 stays as the scan before left it.
    scans.push(await apply(host, [result('r1', 'fail', 'bad-3')], T3));
    // A scan still running at T3 and one that failed change nothing at any time.
    await newScan(t.db, host);
    await t.db.query(
      `insert into scans (host_id, source, status, finished_at) values ($1, 'api', 'failed', $2)`,
      [host, new Date(now - 5 * HOUR)],
    );
  });
  afterAll(async () => t?.drop());

  it('between two scans answers the first scan’s results, evidence included', async () => {
    const { status, json } = await get('ra_viewer', at(BETWEEN_1_2));
    expect(status).toBe(200);
    expect(json.at).toBe(BETWEEN_1_2.toISOString());
    expect(json.score).toBe(0.5);
    expect(json.counts).toMatchObject({ pass: 1, fail: 1 });
    expect(json.items.map((i) => [i.rule_id, i.status, i.evidence[0]?.observed, i.last_scan_id])).toEqual([
      ['r1', 'fail', 'bad-1', scans[0]],
      ['r2', 'pass', 'ok-1', scans[0]],
    ]);
    const r1 = json.items[0];
    expect(r1).toMatchObject({
      last_checked_at: T1.toISOString(),
      status_since: T1.toISOString(),
      check_count: 1,
      remediation: 'Set it to y.',
    });
    expect(json.items[1]?.remediation).toBeNull(); // guidance on failures only
  });

  it('keeps each rule as the last scan that evaluated it, and equals the current state at the newest time', async () => {
    const { json } = await get('ra_viewer', at(new Date(T3.getTime() + HOUR)));
    expect(json.items.map((i) => [i.rule_id, i.status, i.last_scan_id, i.check_count])).toEqual([
      ['r1', 'fail', scans[2], 3],
      ['r2', 'fail', scans[1], 2],
    ]);
    expect(json.items[1]?.status_since).toBe(T2.toISOString());
    const current = (await get('ra_viewer', `/api/v1/hosts/${host}/results`)).json;
    expect(current.at).toBeNull();
    const strip = (r: Results) => r.items.map(({ exception: _e, ...rest }) => rest);
    expect(strip(json)).toEqual(strip(current));
    expect(json.counts).toEqual(current.counts);
  });

  it('at the exact completion time includes that scan; before any scan it is empty with no score', async () => {
    const exact = (await get('ra_viewer', at(T2))).json;
    expect(exact.items.map((i) => i.last_scan_id)).toEqual([scans[1], scans[1]]);
    const before = (await get('ra_viewer', at(BEFORE))).json;
    expect(before).toMatchObject({ score: null, items: [] });
    expect(before.counts).toMatchObject({ pass: 0, fail: 0 });
  });

  it('filters by status at a time, and reads only this host', async () => {
    const { json } = await get('ra_viewer', at(BETWEEN_1_2, '&status=pass'));
    expect(json.items.map((i) => i.rule_id)).toEqual(['r2']);
    expect(json.counts).toMatchObject({ pass: 1, fail: 1 }); // counts stay the whole host's
    const o = (
      await get('ra_viewer', `/api/v1/hosts/${other}/results?at=${encodeURIComponent(T2.toISOString())}`)
    ).json;
    expect(o.items.map((i) => [i.rule_id, i.status])).toEqual([['r1', 'pass']]);
  });

  it('shows an exception only at times it was in force', async () => {
    const req = await a.call('POST', '/api/v1/exceptions', {
      token: tokens.ra_op,
      body: { host_id: host, rule_id: 'r1', reason: 'compensating control in place' },
    });
    expect(req.status).toBe(201);
    const { id } = (await req.json()) as { id: string };
    expect(
      (await a.call('POST', `/api/v1/exceptions/${id}/approve`, { token: tokens.ra_sec, body: {} })).status,
    ).toBe(200);
    const nowRes = (await get('ra_viewer', `/api/v1/hosts/${host}/results`)).json;
    expect(nowRes.items.find((i) => i.rule_id === 'r1')?.exception).toMatchObject({ id });
    const past = (await get('ra_viewer', at(BETWEEN_1_2))).json;
    expect(past.items.find((i) => i.rule_id === 'r1')?.exception).toBeNull();
  });

  it('refuses a bad time, an unknown host and a caller without results:read', async () => {
    const bad = await get('ra_viewer', `/api/v1/hosts/${host}/results?at=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('validation_error');
    const noZone = await get('ra_viewer', `/api/v1/hosts/${host}/results?at=2026-01-01T00:00:00`);
    expect(noZone.status).toBe(400);
    const missing = await get(
      'ra_viewer',
      `/api/v1/hosts/00000000-0000-4000-8000-000000000000/results?at=${encodeURIComponent(T2.toISOString())}`,
    );
    expect(missing.status).toBe(404);
    expect((await get('ra_hosts', at(T2))).status).toBe(403);
  });
});
