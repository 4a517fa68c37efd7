import { expect, it } from 'vitest';
import type { ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import type { TestDatabase } from '../helpers/db.ts';

interface Job {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  last_error: string | null;
}

/** The job queue over HTTP on each runtime. Runs inside apiSuite, against its server and database. */
export function jobsSuite(get: () => { api: ApiTarget; t: TestDatabase }): void {
  it('jobs: the queue with filters and cursor paging, one job, errors, and operators only', async () => {
    const { api, t } = get();
    const { rows } = await t.db.query<{ id: string }>(
      `insert into jobs (kind, payload, signature, state, attempts, max_attempts, run_at, locked_by,
                         lease_expires_at, last_error)
       values ('suite_scan', '{"host_id":"h1"}', 'sig-not-shown', 'queued', 2, 5, now() + interval '20 seconds',
               null, null, 'unreachable: connect ECONNREFUSED'),
              ('suite_scan', '{"host_id":"h2"}', 'sig-not-shown', 'running', 1, 5, now(), 'runner-a',
               now() + interval '30 seconds', null),
              ('suite_liveness', '{}', 'sig-not-shown', 'failed', 5, 5, now(), null, null, 'timeout: no banner'),
              ('suite_scan', '{"host_id":"h3"}', 'sig-not-shown', 'succeeded', 1, 5, now(), null, null, null)
       returning id::text as id`,
    );
    const ids = rows.map((r) => r.id);
    await seedUser(t.db, 'jobs_operator', ['operator']);
    await seedUser(t.db, 'jobs_viewer', ['viewer']);
    const tokenOf = async (username: string) => {
      const login = await api.fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: STRONG }),
      });
      return ((await login.json()) as { access_token: string }).access_token;
    };
    const operator = await tokenOf('jobs_operator');
    const call = async (path: string, token = operator) => {
      const res = await api.fetch(path, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    };
    const list = async (query: string) => {
      const r = await call(`/api/v1/jobs?${query}`);
      expect(r.status, r.text).toBe(200);
      return JSON.parse(r.text) as { items: Job[]; next_cursor: string | null };
    };

    const scans = await list('kind=suite_scan');
    expect(scans.items.map((j) => j.id)).toEqual([ids[3], ids[1], ids[0]]);
    expect(scans.items[2]).toMatchObject({
      state: 'queued',
      attempts: 2,
      max_attempts: 5,
      locked_by: null,
      last_error: 'unreachable: connect ECONNREFUSED',
    });
    expect(Date.parse(scans.items[2]?.run_at ?? '')).toBeGreaterThan(Date.now());
    expect(scans.items[1]).toMatchObject({ state: 'running', locked_by: 'runner-a' });
    expect(JSON.stringify(scans)).not.toMatch(/sig-not-shown|host_id/);

    const first = await list('kind=suite_scan&limit=2');
    expect(first.items.map((j) => j.id)).toEqual([ids[3], ids[1]]);
    expect(first.next_cursor).toBe(ids[1]);
    const second = await list(`kind=suite_scan&limit=2&cursor=${first.next_cursor ?? ''}`);
    expect(second.items.map((j) => j.id)).toEqual([ids[0]]);
    expect(second.next_cursor).toBeNull();

    expect((await list('state=failed&kind=suite_liveness')).items.map((j) => j.id)).toEqual([ids[2]]);
    const failing = (await list('failing=true')).items.map((j) => j.id);
    expect(failing).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    expect(failing).not.toContain(ids[1]);

    const one = await call(`/api/v1/jobs/${ids[2] ?? ''}`);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.text)).toMatchObject({
      id: ids[2],
      kind: 'suite_liveness',
      last_error: 'timeout: no banner',
    });
    expect((await call('/api/v1/jobs/999999999999')).status).toBe(404);
    for (const bad of [
      '/api/v1/jobs/abc',
      '/api/v1/jobs/0',
      '/api/v1/jobs?cursor=x1',
      '/api/v1/jobs?state=lost',
    ])
      expect((await call(bad)).status, bad).toBe(400);

    const viewer = await tokenOf('jobs_viewer');
    expect((await call('/api/v1/jobs', viewer)).status).toBe(403);
    expect((await call(`/api/v1/jobs/${ids[0] ?? ''}`, viewer)).status).toBe(403);
  });
}
