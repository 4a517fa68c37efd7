import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface RowResult {
  row: number;
  status: 'created' | 'valid' | 'error';
  hostname?: string;
  code?: string;
  message?: string;
  details?: Array<{ field: string; message: string }>;
}
interface ImportResult {
  dry_run: boolean;
  created: number;
  valid: number;
  failed: number;
  results: RowResult[];
}

describe('host import preview (POST /api/v1/hosts/import?dry_run=true)', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;
  let viewer: string;

  const count = async (sql: string) => (await t.db.query<{ n: number }>(sql)).rows[0]?.n ?? -1;
  const csvImport = async (csv: string, dryRun: boolean, token = op) => {
    const res = await a.app.fetch(
      new Request(`https://openwatch.test/api/v1/hosts/import${dryRun ? '?dry_run=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: csv,
      }),
    );
    return { status: res.status, body: (await res.json()) as ImportResult };
  };
  const summary = (r: ImportResult) => r.results.map((x) => [x.row, x.status, x.code ?? null]);

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    await seedUser(t.db, 'view', ['viewer']);
    op = (await loginAs(a, 'op')).access_token;
    viewer = (await loginAs(a, 'view')).access_token;
    const res = await a.call('POST', '/api/v1/hosts', { token: op, body: { hostname: 'taken-1' } });
    expect(res.status).toBe(201);
  });
  afterAll(async () => t.drop());

  const CSV = [
    'hostname,address,environment,tags,credential',
    'new-1,192.0.2.1,production,web;pci,',
    'bad;host,192.0.2.2,production,,',
    'TAKEN-1,192.0.2.3,production,,',
    'new-1,192.0.2.4,production,,',
    'new-1,192.0.2.5,lab,,',
    'new-2,192.0.2.6,production,,no-such-key',
    '',
  ].join('\n');

  it('reports every row as the import would, and writes nothing', async () => {
    const hosts = await count('select count(*)::int as n from hosts');
    const audits = await count('select count(*)::int as n from audit_events');
    const { status, body } = await csvImport(CSV, true);
    expect(status).toBe(200);
    expect(body).toMatchObject({ dry_run: true, created: 0, valid: 2, failed: 4 });
    expect(summary(body)).toEqual([
      [2, 'valid', null],
      [3, 'error', 'validation_error'],
      [4, 'error', 'host_exists'],
      [5, 'error', 'host_exists'],
      [6, 'valid', null],
      [7, 'error', 'unknown_credential'],
    ]);
    expect(body.results[1]?.details?.[0]?.field).toBe('hostname');
    expect(body.results[3]?.message).toBe('a host with that hostname exists in that environment (as row 2)');
    expect(await count('select count(*)::int as n from hosts')).toBe(hosts);
    expect(await count('select count(*)::int as n from audit_events')).toBe(audits);
  });

  it('the import then does what the preview said', async () => {
    const preview = await csvImport(CSV, true);
    const { body } = await csvImport(CSV, false);
    expect(body).toMatchObject({ dry_run: false, created: 2, valid: 0, failed: 4 });
    expect(summary(body)).toEqual(
      summary(preview.body).map(([row, s, code]) => [row, s === 'valid' ? 'created' : s, code]),
    );
    const names = await t.db.query<{ hostname: string; environment: string }>(
      `select hostname, environment from hosts where hostname like 'new-%' order by 2, 1`,
    );
    expect(names.rows).toEqual([
      { hostname: 'new-1', environment: 'lab' },
      { hostname: 'new-1', environment: 'production' },
    ]);
    expect(await count(`select count(*)::int as n from audit_events where code = 'host.imported'`)).toBe(1);
    // Previewing the same file again now finds the rows it created.
    const again = await csvImport(CSV, true);
    expect(again.body).toMatchObject({ valid: 0, failed: 6 });
  });

  it('needs hosts:manage and a known dry_run value', async () => {
    expect((await csvImport(CSV, true, viewer)).status).toBe(403);
    const res = await a.app.fetch(
      new Request('https://openwatch.test/api/v1/hosts/import?dry_run=maybe', {
        method: 'POST',
        headers: { authorization: `Bearer ${op}`, 'content-type': 'text/csv' },
        body: CSV,
      }),
    );
    expect(res.status).toBe(400);
  });
});
