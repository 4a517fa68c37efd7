import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveJobKey, signJob, type JobKey } from '../../core/crypto/job-signing.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import * as jobs from '../../core/db/sql/jobs.ts';
import type { Db } from '../../core/db/types.ts';
import { createLogger } from '../../core/log.ts';
import { startJobLoop, type JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { waitFor } from '../helpers/net.ts';
import { ownedPostgres, type OwnedPostgres } from '../helpers/owned-pg.ts';
import { SshLab } from '../helpers/sshd.ts';

const OUTAGE_MS = 10_000;

const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });

/** A PostgreSQL server this file owns is stopped and started again while the app and a job loop use it. */
describe('a PostgreSQL outage', () => {
  let server: OwnedPostgres;
  let db: Db & { close(): Promise<void> };
  let t: TestApp;
  let access: string;
  let apiToken: string;
  let key: JobKey;

  beforeAll(async () => {
    server = await ownedPostgres();
    db = poolDb(server.dsn, { max: 5 });
    t = testApp(db);
    key = await deriveJobKey(randomBytes(32));
    await seedUser(db, 'outage_admin', ['admin']);
    access = (await loginAs(t, 'outage_admin')).access_token;
    const res = await t.call('POST', '/api/v1/auth/tokens', {
      token: access,
      body: { name: 'outage', role: 'viewer' },
    });
    expect(res.status).toBe(201);
    apiToken = ((await res.json()) as { token: string }).token;
  }, 120_000);
  afterAll(async () => {
    await db.close();
    await server.destroy();
  });

  async function expectUnavailable(res: Response): Promise<void> {
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('database_unavailable');
    expect(body.error.message).not.toMatch(/ECONNREFUSED|57P0|terminat|pg_|127\.0\.0\.1/i);
  }

  it('answers 503 database_unavailable, never 401 or 500, and the client is still signed in after', async () => {
    expect((await t.call('GET', '/api/v1/hosts', { token: access })).status).toBe(200);
    await server.stop();
    try {
      await expectUnavailable(await t.call('GET', '/api/v1/hosts', { token: access }));
      await expectUnavailable(await t.call('GET', '/api/v1/auth/me', { token: access }));
      await expectUnavailable(await t.call('GET', '/api/v1/hosts', { token: apiToken }));
      await expectUnavailable(
        await t.call('POST', '/api/v1/auth/login', {
          body: { username: 'outage_admin', password: 'violet-harbour-quietly-47-lanterns' },
        }),
      );
      expect((await t.call('GET', '/health/ready')).status).toBe(503);
    } finally {
      await server.start();
    }
    const back = await waitFor(
      async () => {
        const res = await t.call('GET', '/api/v1/hosts', { token: access });
        return res.status === 200 ? res : undefined;
      },
      30_000,
      'the API to answer again',
    );
    expect(back.status).toBe(200);
    expect((await t.call('GET', '/api/v1/hosts', { token: apiToken })).status).toBe(200);
  }, 120_000);

  it('the job loop pauses, holds a finished job until the database is back, resumes and drains', async () => {
    const finished: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const handler = async (job: { id: string }) => {
      if (finished.length === 0) await gate;
      finished.push(job.id);
    };
    const first = await jobs.enqueueJob(db, {
      kind: 'echo',
      payload: { n: 1 },
      signature: await signJob(key, 'echo', { n: 1 }),
    });
    let loop: JobLoop | undefined;
    try {
      loop = await startJobLoop({
        db,
        dsn: server.dsn,
        workerId: 'outage-runner',
        concurrency: 2,
        pollIntervalMs: 200,
        handlers: { echo: handler },
        jobKey: key,
        log: quiet,
      });
      await waitFor(
        async () => (loop?.running().includes(first?.id ?? '') ? true : undefined),
        20_000,
        'the job to run',
      );
      await server.stop();
      // The handler finishes while the database is down: its outcome must wait, not be lost.
      release();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(loop.running()).toEqual([first?.id]);
      await server.start();
      const second = await waitFor(
        async () =>
          jobs
            .enqueueJob(db, {
              kind: 'echo',
              payload: { n: 2 },
              signature: await signJob(key, 'echo', { n: 2 }),
            })
            .catch(() => undefined),
        30_000,
        'the database to answer',
      );
      const succeeded = async (id: string) =>
        (await jobs.getJob(db, id))?.state === 'succeeded' ? true : undefined;
      await waitFor(() => succeeded(second.id), 30_000, 'the new job to succeed');
      // The held outcome is written on the write's own retry (at most 5 s after the database is back).
      await waitFor(() => succeeded(first?.id ?? ''), 30_000, 'the held outcome to be written');
      const one = await jobs.getJob(db, first?.id ?? '');
      expect(one?.state).toBe('succeeded');
      expect(one?.attempts).toBe(1);
      expect(finished).toEqual([first?.id, second.id]);
    } finally {
      release();
      await loop?.stop(5_000);
    }
  }, 120_000);

  it('a scan running through a 10 s outage is written once, by its first attempt, and the queue drains', async () => {
    const lab = await SshLab.create();
    let runner: JobLoop | undefined;
    try {
      const host = await lab.startHost();
      const call = async <T>(method: string, path: string, body?: unknown) => {
        const res = await t.call(method, path, { token: access, ...(body !== undefined ? { body } : {}) });
        return (await res.json()) as T;
      };
      const cred = await call<{ id: string }>('POST', '/api/v1/credentials', {
        name: 'outage-scanner',
        username: lab.users.sudoNopasswd.name,
        auth_method: 'key',
        private_key: lab.keys.clientKey,
      });
      const h = await call<{ id: string }>('POST', '/api/v1/hosts', {
        hostname: 'outage-1',
        address: host.address,
        port: host.port,
        credential_id: cred.id,
      });
      runner = await startRunner({
        db,
        dsn: server.dsn,
        keys: t.identity,
        log: quiet,
        concurrency: 2,
        pollIntervalMs: 200,
      });
      const scan = await call<{ id: string }>('POST', `/api/v1/hosts/${h.id}/scans`, {});
      const scanStatus = async () =>
        (await db.query<{ status: string }>('select status from scans where id = $1', [scan.id])).rows[0]
          ?.status;
      await waitFor(
        async () => ((await scanStatus()) === 'running' ? true : undefined),
        30_000,
        'the scan to start',
      );
      // Connected (the key is pinned on first use, the last database read before collection); the
      // filesystem walk (inline) then keeps the scan busy for seconds, and the outage falls inside it.
      await waitFor(
        async () =>
          (await db.query(`select 1 from host_keys where host_id = $1 and status = 'pinned'`, [h.id]))
            .rowCount > 0
            ? true
            : undefined,
        30_000,
        'the scan to connect',
      );
      await server.stop();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      await server.start();
      await waitFor(
        async () => ((await scanStatus().catch(() => undefined)) === 'completed' ? true : undefined),
        120_000,
        'the scan to complete after the outage',
      );
      const job = await db.query<{ state: string; attempts: number }>(
        'select state, attempts from jobs where id = (select job_id from scans where id = $1)',
        [scan.id],
      );
      expect(job.rows[0]).toEqual({ state: 'succeeded', attempts: 1 });
      const written = await db.query<{ results: number; total: number; tx: number; tx_rules: number }>(
        `select (select count(*)::int from scan_results where scan_id = $1) as results,
                (select total from scans where id = $1) as total,
                (select count(*)::int from transactions where scan_id = $1) as tx,
                (select count(distinct rule_id)::int from transactions where scan_id = $1) as tx_rules`,
        [scan.id],
      );
      const w = written.rows[0];
      expect(w?.results).toBe(w?.total);
      expect(w?.total).toBeGreaterThan(300);
      expect(w?.tx).toBe(w?.tx_rules);
      // The completed scan's events queue follow-up work (alert evaluation); the runner drains it too.
      await waitFor(
        async () =>
          (
            await db.query<{ n: number }>(
              `select count(*)::int as n from jobs where state in ('queued', 'running')`,
            )
          ).rows[0]?.n === 0
            ? true
            : undefined,
        30_000,
        'the queue to drain',
      );
    } finally {
      await runner?.stop(5_000);
      await lab.cleanup();
    }
  }, 240_000);
});
