import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter, lastEventId } from '../../core/db/sql/events.ts';
import { requestScan } from '../../core/scans/request.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

describe('scan.queued and scan.cancelled: written with the request and the cancel', () => {
  let t: TestDatabase;
  let a: TestApp;
  let userId = '';
  let token = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    userId = await seedUser(t.db, 'ops', ['operator']);
    token = (await loginAs(a, 'ops')).access_token;
  });
  afterAll(async () => t.drop());

  it('a request writes one scan.queued (a repeated idempotency key none), a cancel one scan.cancelled', async () => {
    const host = await seedHost(t.db, 'queued-1');
    const start = await lastEventId(t.db);
    const req = { hostId: host, requestedBy: userId, source: 'api' as const, idempotencyKey: 'k-1' };
    const { scan } = await requestScan(t.db, await a.identity.jobKey(), req);
    const again = await requestScan(t.db, await a.identity.jobKey(), req);
    expect(again).toMatchObject({ created: false, scan: { id: scan.id } });

    const res = await a.call('POST', `/api/v1/scans/${scan.id}/cancel`, { token });
    expect(res.status).toBe(200);
    expect((await a.call('POST', `/api/v1/scans/${scan.id}/cancel`, { token })).status).toBe(409);

    const ev = await eventsAfter(t.db, { after: start, limit: 10 });
    expect(ev.map((e) => [e.kind, e.host_id, e.link, e.data])).toEqual([
      ['scan.queued', host, `/scans/${scan.id}`, { scan_id: scan.id, source: 'api' }],
      [
        'scan.cancelled',
        host,
        `/scans/${scan.id}`,
        { scan_id: scan.id, previous_status: 'queued', cancelled_by: 'ops' },
      ],
    ]);
  });
});
