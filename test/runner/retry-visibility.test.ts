import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freePort, waitFor } from '../helpers/net.ts';

interface Scan {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
  attempts: number;
  max_attempts: number | null;
  next_attempt_at: string | null;
}

describe('retry visibility: a scan of an unreachable host', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let runner: JobLoop;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'retry_admin', ['admin']);
    token = (await loginAs(app, 'retry_admin')).access_token;
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'error', format: 'json', write: () => undefined }),
      concurrency: 2,
      pollIntervalMs: 200,
    });
  });
  afterAll(async () => {
    await runner?.stop(5_000);
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };

  it('shows attempts, the last error and the next attempt, then fails as unreachable and marks the host down', async () => {
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'nobody',
      username: 'nobody',
      auth_method: 'password',
      password: 'never-used-password',
    });
    expect(cred.status).toBe(201);
    // Nothing listens on this port: every connection is refused.
    const host = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'gone-1',
      address: '127.0.0.1',
      port: await freePort(),
      credential_id: cred.body.id,
      host_key_policy: 'tofu',
    });
    expect(host.status).toBe(201);
    const queued = await api<Scan>('POST', `/api/v1/hosts/${host.body.id}/scans`, {});
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ attempts: 0, next_attempt_at: null, error: null });

    const retrying = await waitFor(
      async () => {
        const { body } = await api<Scan>('GET', `/api/v1/scans/${queued.body.id}`);
        return body.next_attempt_at ? body : undefined;
      },
      60_000,
      'the first attempt to fail',
    );
    expect(retrying).toMatchObject({ status: 'running', attempts: 1, max_attempts: 5 });
    expect(retrying.error?.code).toBe('unreachable');
    expect(retrying.error?.message).not.toBe('');
    expect(Date.parse(retrying.next_attempt_at ?? '')).toBeGreaterThan(Date.now() - 1_000);

    // Two attempts configured for this job, and no wait for the backoff: the next one is the last.
    await t.db.query(
      `update jobs set max_attempts = 2, run_at = now() where id = (select job_id from scans where id = $1)`,
      [queued.body.id],
    );
    const failed = await waitFor(
      async () => {
        const { body } = await api<Scan>('GET', `/api/v1/scans/${queued.body.id}`);
        return body.status === 'failed' ? body : undefined;
      },
      60_000,
      'the scan to fail',
    );
    expect(failed).toMatchObject({ attempts: 2, max_attempts: 2, next_attempt_at: null });
    expect(failed.error?.code).toBe('unreachable');
    const h = await api<{ liveness: string }>('GET', `/api/v1/hosts/${host.body.id}`);
    expect(h.body.liveness).toBe('down');
  }, 120_000);
});
