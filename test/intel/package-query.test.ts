import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

// Stored packages as the collector writes them: dpkg's Version on Debian, `%{EPOCHNUM}:%{VERSION}-%{RELEASE}` on RHEL.
const FLEET = [
  { hostname: 'deb-old', family: 'debian', version: '3.0.11-1~deb12u2' },
  { hostname: 'deb-new', family: 'debian', version: '3.0.15-1~deb12u1' },
  { hostname: 'el-old', family: 'rhel', version: '1:3.0.7-27.el9' },
  { hostname: 'el-snapshot', family: 'rhel', version: '1:3.0.13^20240101git1-1.el9' },
  { hostname: 'el-rc', family: 'rhel', version: '1:3.0.13~rc1-1.el9' },
  { hostname: 'el-new', family: 'rhel', version: '1:3.0.13-1.el9' },
];

describe('GET /api/v1/intel/packages: each host in its own package format order', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  const hostsWhere = async (query: string) => {
    const res = await app.call('GET', `/api/v1/intel/packages?name=openssl&${query}`, { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { hostname: string; version: string }[] };
    return body.items.map((i) => i.hostname).sort();
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'reader', ['viewer']);
    token = (await loginAs(app, 'reader')).access_token;
    for (const h of FLEET)
      await t.db.query(
        `with h as (insert into hosts (hostname, address, os_family) values ($1, '192.0.2.30', $2) returning id)
         insert into host_intel (host_id, section, content_hash, items, collected_at, changed_at)
         select id, 'packages', 'x', jsonb_build_array(jsonb_build_object('name', 'openssl', 'version', $3::text, 'arch', 'x86_64')), now(), now() from h`,
        [h.hostname, h.family, h.version],
      );
  });
  afterAll(async () => t?.drop());

  it('compares RHEL hosts by rpmvercmp (~ sorts first, ^ after the bare version but before more of it)', async () => {
    // In Debian order the ^ snapshot would sort above 3.0.13.1 ('^' after '.'); rpm puts it below.
    expect(await hostsWhere('version_lt=1:3.0.13.1')).toEqual([
      'deb-new',
      'deb-old',
      'el-new',
      'el-old',
      'el-rc',
      'el-snapshot',
    ]);
    expect(await hostsWhere('version_lt=1:3.0.13')).toEqual(['deb-new', 'deb-old', 'el-old', 'el-rc']);
    expect(await hostsWhere('version_gte=1:3.0.13')).toEqual(['el-new', 'el-snapshot']);
    expect(await hostsWhere('version_gte=1:3.0.13^2024')).toEqual(['el-snapshot']);
    expect(await hostsWhere('version_lt=3.0.13')).toEqual(['deb-old']);
  });

  it('refuses a version with characters neither format uses', async () => {
    const res = await app.call('GET', '/api/v1/intel/packages?name=openssl&version_lt=3.0;rm', { token });
    expect(res.status).toBe(400);
  });
});
