import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobKey } from '../../core/crypto/job-signing.ts';
import { insertHost } from '../../core/db/sql/hosts.ts';
import { createLogger } from '../../core/log.ts';
import {
  DEFAULT_INTERVAL_SCHEDULES,
  DEFAULT_SCAN_SCHEDULE,
  writeSchedule,
} from '../../core/schedule/config.ts';
import { scheduleHostJobs } from '../../core/schedule/host-jobs.ts';
import { scheduleScans } from '../../core/schedule/scans.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

describe('scan scheduler', () => {
  let t: TestDatabase;
  let app: TestApp;
  let jobKey: JobKey;
  let n = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    jobKey = await app.identity.jobKey();
    await t.db.query(`insert into evidence (hash, body) values ('e', '{}')`);
  });
  afterAll(async () => {
    await t?.drop();
  });
  // Each test sees only its own hosts, under the default schedule.
  beforeEach(async () => {
    await t.db.query('update hosts set deleted_at = now() where deleted_at is null');
    await writeSchedule(t.db, 'scan', DEFAULT_SCAN_SCHEDULE);
    await writeSchedule(t.db, 'discovery', DEFAULT_INTERVAL_SCHEDULES.discovery);
    await writeSchedule(t.db, 'liveness', DEFAULT_INTERVAL_SCHEDULES.liveness);
  });

  const host = async (maintenance = false) =>
    (
      await insertHost(t.db, {
        hostname: `h${++n}`,
        environment: 'production',
        address: '192.0.2.10',
        port: 22,
        tags: [],
        description: '',
        credentialId: null,
        useSudo: true,
        hostKeyPolicy: 'tofu',
        maintenance,
      })
    ).id;
  const scanAgo = (hostId: string, status: string, hours: number) =>
    t.db.query(
      `insert into scans (host_id, source, status, created_at)
       values ($1, 'api', $2, now() - make_interval(secs => $3::float8 * 3600))`,
      [hostId, status, hours],
    );
  const failing = (hostId: string, severity: string) =>
    t.db.query(
      `insert into host_rule_state (host_id, rule_id, status, severity, evidence_hash, last_scan_id,
         last_checked_at, status_since)
       values ($1, $2, 'fail', $3, 'e', gen_random_uuid(), now(), now())`,
      [hostId, `rule-${severity}`, severity],
    );
  const run = async () => (await scheduleScans(t.db, jobKey, log)).enqueued.map((h) => h.host_id).sort();
  const scheduledScans = async (hostId: string) =>
    (
      await t.db.query<{ status: string; job_id: string | null }>(
        `select status, job_id from scans where host_id = $1 and source = 'schedule'`,
        [hostId],
      )
    ).rows;

  it('enqueues a signed scan job for a host never scanned, and does not duplicate a queued one', async () => {
    const h = await host();
    expect(await run()).toEqual([h]);
    const rows = await scheduledScans(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('queued');
    expect(rows[0]?.job_id).not.toBeNull();
    expect(await run()).toEqual([]);
    expect(await scheduledScans(h)).toHaveLength(1);
  });

  it('spaces scans by posture: compliant 48 h, critical 4 h, high 12 h', async () => {
    const compliant = await host();
    await scanAgo(compliant, 'completed', 1);
    const oldCompliant = await host();
    await scanAgo(oldCompliant, 'completed', 49);
    const critical = await host();
    await scanAgo(critical, 'completed', 5);
    await failing(critical, 'critical');
    await failing(critical, 'low');
    const high = await host();
    await scanAgo(high, 'completed', 5);
    await failing(high, 'high');
    expect(await run()).toEqual([critical, oldCompliant].sort());
  });

  it('skips hosts in maintenance: their own flag, a group, or global', async () => {
    const own = await host(true);
    const grouped = await host();
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name, maintenance) values ($1, true) returning id`,
      [`g${n}`],
    );
    await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [
      rows[0]?.id,
      grouped,
    ]);
    const free = await host();
    await writeSchedule(t.db, 'scan', { ...DEFAULT_SCAN_SCHEDULE, maintenance_global: true });
    expect(await scheduleScans(t.db, jobKey, log)).toEqual({ enqueued: [], skipped: 'maintenance_global' });
    await writeSchedule(t.db, 'scan', DEFAULT_SCAN_SCHEDULE);
    expect(await run()).toEqual([free]);
    expect(await scheduledScans(own)).toHaveLength(0);
    expect(await scheduledScans(grouped)).toHaveLength(0);
  });

  it('leaves hosts with a queued or running scan alone', async () => {
    const queued = await host();
    await scanAgo(queued, 'queued', 100);
    const running = await host();
    await scanAgo(running, 'running', 100);
    expect(await run()).toEqual([]);
  });

  it('backs off exponentially after failed scans, capped at the compliant interval', async () => {
    const once = await host(); // 1 failure: 1 h
    await scanAgo(once, 'failed', 0.5);
    const onceLonger = await host();
    await scanAgo(onceLonger, 'failed', 1.5);
    const thrice = await host(); // 3 failures: 4 h
    for (const hours of [9, 6, 3]) await scanAgo(thrice, 'failed', hours);
    const thriceLonger = await host();
    for (const hours of [20, 10, 5]) await scanAgo(thriceLonger, 'failed', hours);
    const many = await host(); // 12 failures: capped at 48 h
    for (let i = 12; i >= 1; i--) await scanAgo(many, 'failed', 47 + i * 0.01);
    const manyLonger = await host();
    for (let i = 12; i >= 1; i--) await scanAgo(manyLonger, 'failed', 49 + i * 0.01);
    const critical = await host(); // a failure counts only since the last completed scan
    await scanAgo(critical, 'failed', 30);
    await scanAgo(critical, 'completed', 20);
    await scanAgo(critical, 'failed', 5);
    await failing(critical, 'critical');
    expect(await run()).toEqual([onceLonger, thriceLonger, manyLonger, critical].sort());
  });

  it('enqueues at most max_per_tick hosts per run; the schedule can be switched off', async () => {
    for (let i = 0; i < 3; i++) await host();
    await writeSchedule(t.db, 'scan', { ...DEFAULT_SCAN_SCHEDULE, max_per_tick: 2 });
    expect(await run()).toHaveLength(2);
    expect(await run()).toHaveLength(1);
    await host();
    await writeSchedule(t.db, 'scan', { ...DEFAULT_SCAN_SCHEDULE, enabled: false });
    expect((await scheduleScans(t.db, jobKey, log)).skipped).toBe('disabled');
  });

  it('schedules discovery and liveness by interval, once per interval even when the jobs fail', async () => {
    const fresh = await host();
    const known = await host();
    await t.db.query(
      `update hosts set discovered_at = now() - interval '1 hour', liveness_checked_at = now() - interval '1 minute'
       where id = $1`,
      [known],
    );
    const stale = await host();
    await t.db.query(
      `update hosts set discovered_at = now() - interval '25 hours', liveness_checked_at = now() - interval '10 minutes'
       where id = $1`,
      [stale],
    );
    await host(true);
    const discover = async () => (await scheduleHostJobs(t.db, jobKey, log, 'discovery')).sort();
    expect(await discover()).toEqual([fresh, stale].sort());
    expect((await scheduleHostJobs(t.db, jobKey, log, 'liveness')).sort()).toEqual([fresh, stale].sort());
    expect(await discover()).toEqual([]); // queued already
    await t.db.query(`update jobs set state = 'failed' where kind = 'discovery'`);
    expect(await discover()).toEqual([]); // attempted within the interval
    await t.db.query(`update jobs set created_at = now() - interval '25 hours' where kind = 'discovery'`);
    expect(await discover()).toEqual([fresh, stale].sort());
    await writeSchedule(t.db, 'liveness', { enabled: false, interval_minutes: 5 });
    await t.db.query(`update jobs set state = 'failed', created_at = now() - interval '1 day'`);
    expect(await scheduleHostJobs(t.db, jobKey, log, 'liveness')).toEqual([]);
  });
});

describe('schedule configuration API', () => {
  let t: TestDatabase;
  let app: TestApp;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'boss', ['admin']);
    await seedUser(t.db, 'watcher', ['viewer']);
    admin = (await loginAs(app, 'boss')).access_token;
    viewer = (await loginAs(app, 'watcher')).access_token;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('answers defaults, validates, stores and audits a change', async () => {
    const get = await app.call('GET', '/api/v1/system/scan/config', { token: admin });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(DEFAULT_SCAN_SCHEDULE);

    const bad = [
      { ...DEFAULT_SCAN_SCHEDULE, max_per_tick: 0 },
      {
        ...DEFAULT_SCAN_SCHEDULE,
        intervals_hours: { ...DEFAULT_SCAN_SCHEDULE.intervals_hours, critical: 100 },
      },
      { ...DEFAULT_SCAN_SCHEDULE, extra: true },
      { enabled: true },
    ];
    for (const body of bad) {
      const res = await app.call('PUT', '/api/v1/system/scan/config', { token: admin, body });
      expect(res.status).toBe(400);
    }
    const next = { ...DEFAULT_SCAN_SCHEDULE, maintenance_global: true, max_per_tick: 7 };
    const put = await app.call('PUT', '/api/v1/system/scan/config', { token: admin, body: next });
    expect(put.status).toBe(200);
    expect(await (await app.call('GET', '/api/v1/system/scan/config', { token: admin })).json()).toEqual(
      next,
    );

    const live = { enabled: false, interval_minutes: 15 };
    expect(
      (await app.call('PUT', '/api/v1/system/liveness/config', { token: admin, body: live })).status,
    ).toBe(200);
    const badLive = { enabled: true, interval_minutes: 0 };
    expect(
      (await app.call('PUT', '/api/v1/system/discovery/config', { token: admin, body: badLive })).status,
    ).toBe(400);
    expect(await (await app.call('GET', '/api/v1/system/liveness/config', { token: admin })).json()).toEqual(
      live,
    );
    expect(
      await (await app.call('GET', '/api/v1/system/discovery/config', { token: admin })).json(),
    ).toMatchObject({ enabled: true });

    const { rows } = await t.db.query<{ target_id: string; actor_name: string; details: unknown }>(
      `select target_id, actor_name, details from audit_events where code = 'config.changed' order by id`,
    );
    expect(rows).toEqual([
      {
        target_id: 'schedule.scan',
        actor_name: 'boss',
        details: { before: DEFAULT_SCAN_SCHEDULE, after: next },
      },
      {
        target_id: 'schedule.liveness',
        actor_name: 'boss',
        details: { before: { enabled: true, interval_minutes: 5 }, after: live },
      },
    ]);
  });

  it('needs settings:manage to change', async () => {
    const res = await app.call('PUT', '/api/v1/system/scan/config', {
      token: viewer,
      body: DEFAULT_SCAN_SCHEDULE,
    });
    expect(res.status).toBe(403);
  });
});
