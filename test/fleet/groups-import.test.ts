import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../functions/fleet/csv.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Host {
  id: string;
  hostname: string;
  in_maintenance: boolean;
  groups?: Array<{ id: string; name: string; membership: string }>;
}
interface Group {
  id: string;
  name: string;
  host_count: number;
  maintenance: boolean;
  hosts?: Array<{ id: string; hostname: string; membership: string }>;
}
interface ImportResult {
  created: number;
  failed: number;
  results: Array<{ row: number; status: string; code?: string; hostname?: string; details?: unknown }>;
}

describe('host groups and bulk import', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const host = async (hostname: string, osFamily?: string): Promise<Host> => {
    const h = await json<Host>(await a.call('POST', '/api/v1/hosts', { token: op, body: { hostname } }), 201);
    if (osFamily) await t.db.query('update hosts set os_family = $2 where id = $1', [h.id, osFamily]);
    return h;
  };
  const group = async (id: string) => json<Group>(await a.call('GET', `/api/v1/groups/${id}`, { token: op }));

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    op = (await loginAs(a, 'op')).access_token;
  });
  afterAll(async () => t.drop());

  it('members are the manual list ∪ hosts of the automatic OS family, computed live', async () => {
    const deb = await host('deb-1', 'debian');
    const rhel = await host('rhel-1', 'rhel');
    const bare = await host('bare-1');
    const g = await json<Group>(
      await a.call('POST', '/api/v1/groups', {
        token: op,
        body: { name: 'Debian boxes', auto_os_family: 'debian' },
      }),
      201,
    );
    expect((await group(g.id)).hosts?.map((h) => [h.hostname, h.membership])).toEqual([['deb-1', 'auto']]);

    const set = await a.call('PUT', `/api/v1/groups/${g.id}/hosts`, {
      token: op,
      body: { host_ids: [rhel.id, deb.id] },
    });
    expect((await json<{ hosts: Array<{ hostname: string; membership: string }> }>(set)).hosts).toEqual([
      expect.objectContaining({ hostname: 'deb-1', membership: 'manual' }),
      expect.objectContaining({ hostname: 'rhel-1', membership: 'manual' }),
    ]);
    expect((await a.call('POST', `/api/v1/groups/${g.id}/hosts/${bare.id}`, { token: op })).status).toBe(204);
    expect((await a.call('DELETE', `/api/v1/groups/${g.id}/hosts/${deb.id}`, { token: op })).status).toBe(
      204,
    );
    // deb-1 is no longer listed by hand but still matches the OS family.
    expect((await group(g.id)).hosts?.map((h) => [h.hostname, h.membership])).toEqual([
      ['bare-1', 'manual'],
      ['deb-1', 'auto'],
      ['rhel-1', 'manual'],
    ]);
    await t.db.query(`update hosts set os_family = 'ubuntu' where id = $1`, [deb.id]);
    expect((await group(g.id)).host_count).toBe(2);

    const unknown = await a.call('PUT', `/api/v1/groups/${g.id}/hosts`, {
      token: op,
      body: { host_ids: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(unknown.status).toBe(422);
    const dup = await a.call('POST', '/api/v1/groups', { token: op, body: { name: 'debian BOXES' } });
    expect(dup.status).toBe(409);

    const got = await json<Host>(await a.call('GET', `/api/v1/hosts/${rhel.id}`, { token: op }));
    expect(got.groups).toEqual([{ id: g.id, name: 'Debian boxes', membership: 'manual' }]);
    const byGroup = await json<{ items: Host[] }>(
      await a.call('GET', `/api/v1/hosts?group=${g.id}`, { token: op }),
    );
    expect(byGroup.items.map((h) => h.hostname)).toEqual(['bare-1', 'rhel-1']);
    const events = await t.db.query<{ code: string }>(
      `select code from audit_events where code like 'group.%' order by id`,
    );
    expect(events.rows.map((r) => r.code)).toEqual([
      'group.created',
      'group.members.changed',
      'group.members.changed',
      'group.members.changed',
    ]);
  });

  it("a group's maintenance flag puts its hosts in maintenance; deleting the group keeps the hosts", async () => {
    const h = await host('maint-1', 'rhel');
    const g = await json<Group>(
      await a.call('POST', '/api/v1/groups', { token: op, body: { name: 'rhel', auto_os_family: 'rhel' } }),
      201,
    );
    await json<Group>(
      await a.call('PATCH', `/api/v1/groups/${g.id}`, { token: op, body: { maintenance: true } }),
    );
    const got = await json<Host>(await a.call('GET', `/api/v1/hosts/${h.id}`, { token: op }));
    expect(got.in_maintenance).toBe(true);
    expect((await a.call('DELETE', `/api/v1/groups/${g.id}`, { token: op })).status).toBe(204);
    const after = await json<Host>(await a.call('GET', `/api/v1/hosts/${h.id}`, { token: op }));
    expect(after).toMatchObject({ in_maintenance: false, groups: [] });
    expect((await a.call('GET', `/api/v1/groups/${g.id}`, { token: op })).status).toBe(404);
  });

  it('imports JSON rows independently, with a result per row', async () => {
    const res = await a.call('POST', '/api/v1/hosts/import', {
      token: op,
      body: {
        hosts: [
          { hostname: 'imp-1', address: '192.0.2.1' },
          { hostname: 'imp;2' },
          { hostname: 'imp-1', address: '192.0.2.9' },
          { hostname: 'imp-3', environment: 'lab', tags: ['x'] },
        ],
      },
    });
    const r = await json<ImportResult>(res);
    expect(r.created).toBe(2);
    expect(r.results.map((x) => [x.row, x.status, x.code])).toEqual([
      [1, 'created', undefined],
      [2, 'error', 'validation_error'],
      [3, 'error', 'host_exists'],
      [4, 'created', undefined],
    ]);
  });

  it('imports CSV with quoting, tags, and credentials by name', async () => {
    await t.db.query(
      `insert into credentials (name, username, auth_method, secret_enc, key_version)
       values ('ops-key', 'ops', 'password', 'v1:00000000:x:y', '00000000')`,
    );
    const csv = [
      'hostname,address,port,environment,tags,description,credential',
      'csv-1,10.0.0.1,2222,lab,web;db,"first, with comma",ops-key',
      'csv-2,2001:db8::2,,lab,,,',
      'csv-3,10.0.0.3,,lab,,,nope',
      'csv-4,"10.0.0.4; reboot",,lab,,,',
      '',
    ].join('\r\n');
    const res = await a.app.fetch(
      new Request('https://openwatch.test/api/v1/hosts/import', {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${op}` },
        body: csv,
      }),
    );
    const r = await json<ImportResult>(res);
    expect(r.results.map((x) => [x.row, x.status, x.code ?? x.hostname])).toEqual([
      [2, 'created', 'csv-1'],
      [3, 'created', 'csv-2'],
      [4, 'error', 'unknown_credential'],
      [5, 'error', 'validation_error'],
    ]);
    const row = await t.db.query<{ port: number; tags: string[]; description: string; name: string }>(
      `select h.port, h.tags, h.description, c.name from hosts h join credentials c on c.id = h.credential_id
       where h.hostname = 'csv-1'`,
    );
    expect(row.rows[0]).toEqual({
      port: 2222,
      tags: ['db', 'web'],
      description: 'first, with comma',
      name: 'ops-key',
    });
    const summary = await t.db.query<{ details: Record<string, unknown> }>(
      `select details from audit_events where code = 'host.imported' order by id desc limit 1`,
    );
    expect(summary.rows[0]?.details).toMatchObject({ format: 'csv', rows: 4, created: 2, failed: 2 });

    const badHeader = await a.app.fetch(
      new Request('https://openwatch.test/api/v1/hosts/import', {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${op}` },
        body: 'name,ip\nx,1.2.3.4\n',
      }),
    );
    expect(badHeader.status).toBe(400);
    const wrongType = await a.app.fetch(
      new Request('https://openwatch.test/api/v1/hosts/import', {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${op}` },
        body: 'x',
      }),
    );
    expect(wrongType.status).toBe(415);
  });

  it('parses RFC 4180 CSV', () => {
    expect(parseCsv('a,b\r\n"x ""q""","line\nbreak"\n\n1,\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x "q"', 'line\nbreak'] },
      { line: 5, cells: ['1', ''] },
    ]);
    expect(parseCsv('"open')).toBeUndefined();
  });
});
