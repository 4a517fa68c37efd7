import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Host {
  id: string;
  hostname: string;
  environment: string;
  address: string;
  port: number;
  tags: string[];
  maintenance: boolean;
  in_maintenance: boolean;
  os: { family: string | null; kernel: string | null };
  groups?: Array<{ id: string; name: string; membership: string }>;
}
interface Page {
  items: Host[];
  next_cursor: string | null;
}
interface Err {
  error: { code: string; details?: Array<{ field: string; message: string }> };
}

describe('hosts API', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;
  let viewer: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const create = (body: Record<string, unknown>) => a.call('POST', '/api/v1/hosts', { token: op, body });
  const list = async (qs = '') => json<Page>(await a.call('GET', `/api/v1/hosts${qs}`, { token: viewer }));
  const auditCount = async (code: string) =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from audit_events where code = $1', [code]))
      .rows[0]?.n ?? 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    await seedUser(t.db, 'view', ['viewer']);
    op = (await loginAs(a, 'op')).access_token;
    viewer = (await loginAs(a, 'view')).access_token;
  });
  afterAll(async () => t.drop());

  it('registers a host with defaults, shows OS facts, and audits it', async () => {
    const h = await json<Host>(
      await create({ hostname: 'web-01.example.test', tags: ['web', 'eu', 'web'] }),
      201,
    );
    expect(h).toMatchObject({
      hostname: 'web-01.example.test',
      address: 'web-01.example.test',
      environment: 'production',
      port: 22,
      tags: ['eu', 'web'],
      maintenance: false,
      os: { family: null, kernel: null },
      groups: [],
    });
    await t.db.query(`update hosts set os_family = 'debian', kernel = '6.1.0-18-amd64' where id = $1`, [
      h.id,
    ]);
    const got = await json<Host>(await a.call('GET', `/api/v1/hosts/${h.id}`, { token: viewer }));
    expect(got.os).toMatchObject({ family: 'debian', kernel: '6.1.0-18-amd64' });
    expect(await auditCount('host.created')).toBe(1);
    const viewerCreate = await a.call('POST', '/api/v1/hosts', { token: viewer, body: { hostname: 'x' } });
    expect(viewerCreate.status).toBe(403);
  });

  it('refuses shell metacharacters and malformed addresses, naming the field', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ hostname: 'web;rm -rf /' }, 'body.hostname'],
      [{ hostname: '$(id)' }, 'body.hostname'],
      [{ hostname: '-oProxyCommand=x' }, 'body.hostname'],
      [{ hostname: 'ok', address: 'a b' }, 'body.address'],
      [{ hostname: 'ok', address: '10.0.0.1`id`' }, 'body.address'],
      [{ hostname: 'ok', address: '999.1.1.1.' }, 'body.address'],
      [{ hostname: 'ok', port: 70000 }, 'body.port'],
      [{ hostname: 'ok', environment: 'Prod!' }, 'body.environment'],
      [{ hostname: 'ok', tags: ['a|b'] }, 'body.tags.0'],
    ];
    for (const [body, field] of bad) {
      const res = await create(body);
      const e = await json<Err>(res, 400);
      expect(
        e.error.details?.map((d) => d.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    for (const address of ['192.0.2.10', '2001:db8::1', 'db-1.internal']) {
      const res = await create({ hostname: `addr-${address.replace(/[^a-z0-9]/g, '')}`, address });
      expect(res.status, address).toBe(201);
    }
  });

  it('hostname+environment is unique among live hosts (409 host_exists), free again after delete', async () => {
    const first = await json<Host>(await create({ hostname: 'dup', environment: 'staging' }), 201);
    const again = await json<Err>(await create({ hostname: 'DUP', environment: 'staging' }), 409);
    expect(again.error.code).toBe('host_exists');
    await json<Host>(await create({ hostname: 'dup', environment: 'production' }), 201);
    const rename = await a.call('PATCH', `/api/v1/hosts/${first.id}`, {
      token: op,
      body: { environment: 'production' },
    });
    expect(((await json<Err>(rename, 409)) as Err).error.code).toBe('host_exists');

    expect((await a.call('DELETE', `/api/v1/hosts/${first.id}`, { token: op })).status).toBe(204);
    expect((await a.call('GET', `/api/v1/hosts/${first.id}`, { token: op })).status).toBe(404);
    expect((await a.call('DELETE', `/api/v1/hosts/${first.id}`, { token: op })).status).toBe(404);
    const row = await t.db.query<{ deleted_at: Date | null }>('select deleted_at from hosts where id = $1', [
      first.id,
    ]);
    expect(row.rows[0]?.deleted_at).toBeInstanceOf(Date);
    await json<Host>(await create({ hostname: 'dup', environment: 'staging' }), 201);
    expect(await auditCount('host.deleted')).toBe(1);
  });

  it('patches fields and maintenance, and refuses an unknown credential', async () => {
    const h = await json<Host>(await create({ hostname: 'patchme' }), 201);
    const on = await json<Host>(
      await a.call('PATCH', `/api/v1/hosts/${h.id}`, { token: op, body: { maintenance: true, port: 2222 } }),
    );
    expect(on).toMatchObject({ maintenance: true, in_maintenance: true, port: 2222, hostname: 'patchme' });
    const off = await json<Host>(
      await a.call('PATCH', `/api/v1/hosts/${h.id}`, { token: op, body: { maintenance: false } }),
    );
    expect(off).toMatchObject({ maintenance: false, port: 2222 });
    const cred = await a.call('PATCH', `/api/v1/hosts/${h.id}`, {
      token: op,
      body: { credential_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect((await json<Err>(cred, 422)).error.code).toBe('unknown_credential');
    expect(await auditCount('host.updated')).toBe(2);
  });

  it('lists with filters and cursor pagination', async () => {
    for (const [hostname, environment, tags] of [
      ['f-alpha', 'lab', ['db']],
      ['f-beta', 'lab', ['web']],
      ['f-gamma', 'lab', ['db', 'web']],
      ['f-delta', 'edge', ['db']],
    ] as const)
      await json<Host>(await create({ hostname, environment, tags, address: `${hostname}.corp.test` }), 201);
    const names = (p: Page) => p.items.map((h) => h.hostname);
    expect(names(await list('?environment=lab'))).toEqual(['f-alpha', 'f-beta', 'f-gamma']);
    expect(names(await list('?environment=lab&tag=db'))).toEqual(['f-alpha', 'f-gamma']);
    expect(names(await list('?q=CORP.test&tag=db'))).toEqual(['f-alpha', 'f-delta', 'f-gamma']);
    expect(names(await list('?q=%25'))).toEqual([]);
    const p1 = await list('?q=f-&limit=2');
    expect(names(p1)).toEqual(['f-alpha', 'f-beta']);
    const p2 = await list(`?q=f-&limit=2&cursor=${p1.next_cursor}`);
    expect(names(p2)).toEqual(['f-delta', 'f-gamma']);
    expect(p2.next_cursor).toBeNull();
    const bad = await a.call('GET', '/api/v1/hosts?cursor=bm9wZQ', { token: viewer });
    expect((await json<Err>(bad, 400)).error.code).toBe('invalid_cursor');
    const alpha = (await list('?q=f-alpha')).items[0];
    await a.call('PATCH', `/api/v1/hosts/${alpha?.id}`, { token: op, body: { maintenance: true } });
    expect(names(await list('?q=f-&maintenance=true'))).toEqual(['f-alpha']);
    expect(names(await list('?q=f-&maintenance=false'))).toEqual(['f-beta', 'f-delta', 'f-gamma']);
  });
});
