import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter, lastEventId } from '../../core/db/sql/events.ts';
import { getJob } from '../../core/db/sql/jobs.ts';
import { getScan } from '../../core/db/sql/scans.ts';
import { startScan } from '../../core/scans/lifecycle.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

describe('POST /api/v1/scans/{id}/cancel: scan.cancelled through the outbox', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let host: string;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const queueScan = async () => {
    const r = await call<{ id: string }>('POST', `/api/v1/hosts/${host}/scans`, {});
    expect(r.status).toBe(202);
    const row = await getScan(t.db, r.body.id);
    return { id: r.body.id, job_id: row?.job_id ?? '' };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'canceller', ['operator']);
    token = (await loginAs(app, 'canceller')).access_token;
    host = await seedHost(t.db, 'cancel-1');
  });
  afterAll(async () => t?.drop());

  it('a queued scan: cancelled with its job, one event naming the scan, host and who', async () => {
    const scan = await queueScan();
    const before = await lastEventId(t.db);
    const r = await call<{ status: string }>('POST', `/api/v1/scans/${scan.id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
    expect((await getJob(t.db, scan.job_id))?.state).toBe('cancelled');
    const ev = await eventsAfter(t.db, { after: before, limit: 10 });
    expect(ev.map((e) => [e.kind, e.host_id, e.link, e.data])).toEqual([
      [
        'scan.cancelled',
        host,
        `/scans/${scan.id}`,
        { scan_id: scan.id, previous_status: 'queued', cancelled_by: 'canceller' },
      ],
    ]);
    // Cancelling again: 409, and no second event.
    const again = await call<{ error: { code: string } }>('POST', `/api/v1/scans/${scan.id}/cancel`);
    expect([again.status, again.body.error.code]).toEqual([409, 'scan_finished']);
    expect(await lastEventId(t.db)).toBe(ev[0]?.id);
  });

  it('a running scan says it was running; a finished one and an unknown id write nothing', async () => {
    const scan = await queueScan();
    expect(await startScan(t.db, scan.id, host, 1)).toBe(true);
    const before = await lastEventId(t.db);
    expect((await call('POST', `/api/v1/scans/${scan.id}/cancel`)).status).toBe(200);
    const ev = await eventsAfter(t.db, { after: before, limit: 10 });
    expect(ev.map((e) => [e.kind, e.data])).toEqual([
      ['scan.cancelled', { scan_id: scan.id, previous_status: 'running', cancelled_by: 'canceller' }],
    ]);
    const missing = await call('POST', '/api/v1/scans/00000000-0000-4000-8000-000000000000/cancel');
    expect(missing.status).toBe(404);
    expect(await lastEventId(t.db)).toBe(ev[0]?.id);
  });

  it('the event is visible to scan readers in the event API', async () => {
    const r = await call<{ items: { kind: string }[] }>('GET', '/api/v1/events?kind=scan.cancelled');
    expect(r.status).toBe(200);
    expect(r.body.items.map((e) => e.kind)).toEqual(['scan.cancelled', 'scan.cancelled']);
  });
});
