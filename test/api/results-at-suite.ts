import { expect, it } from 'vitest';
import { applyScanResults } from '../../core/results/apply.ts';
import type { ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from '../results/fixtures.ts';

/** GET /api/v1/hosts/:id/results?at= over HTTP on each runtime (details: test/results/results-at.test.ts). */
export function resultsAtSuite(get: () => { api: ApiTarget; t: TestDatabase }): void {
  it('host results at a time between two scans are the first scan’s', async () => {
    const { api, t } = get();
    await seedUser(t.db, 'suite_results_viewer', ['viewer']);
    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'suite_results_viewer', password: STRONG }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const host = await seedHost(t.db, 'at-time-http-host');
    const apply = async (status: 'pass' | 'fail', completedAt: Date) => {
      const scanId = await newScan(t.db, host);
      await applyScanResults(t.db, {
        scanId,
        hostId: host,
        report: { results: [result('suite_rule', status, status)] },
        completedAt,
      });
      return scanId;
    };
    const first = await apply('fail', new Date(Date.now() - 2 * 60_000));
    await apply('pass', new Date(Date.now() - 60_000));
    const between = new Date(Date.now() - 90_000).toISOString();
    const read = async (query: string) => {
      const res = await api.fetch(`/api/v1/hosts/${host}/results${query}`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      return { status: res.status, body: (await res.json()) as { at: string | null; items: unknown[] } };
    };
    const then = await read(`?at=${encodeURIComponent(between)}`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({
      at: between,
      score: 0,
      items: [{ rule_id: 'suite_rule', status: 'fail', last_scan_id: first }],
    });
    expect((await read('')).body).toMatchObject({ at: null, items: [{ status: 'pass' }] });
    expect((await read('?at=not-a-time')).status).toBe(400);
  });
}
