import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_SORTS, listHosts, type HostSort } from '../../core/db/sql/host-list.ts';
import type { Queryable } from '../../core/db/types.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { failingRules, refreshHostPosture } from '../../core/db/sql/posture-summary.ts';

interface Host {
  id: string;
  hostname: string;
  address: string;
  environment: string;
  tags: string[];
  in_maintenance: boolean;
  os: { id: string | null; family: string | null; version: string | null; name: string | null };
  liveness: string;
  score: number | null;
  last_scan_at: string | null;
}
interface Page {
  items: Host[];
  next_cursor: string | null;
}
interface Err {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

const N = 40;
const OSES = [
  { id: 'ubuntu', family: 'ubuntu', version: '22.04', name: 'Ubuntu' },
  { id: 'ubuntu', family: 'ubuntu', version: '24.04', name: 'Ubuntu' },
  { id: 'rhel', family: 'rhel', version: '9.4', name: 'Red Hat Enterprise Linux' },
  { id: 'debian', family: 'debian', version: '12', name: 'Debian GNU/Linux' },
  null,
] as const;
const LIVENESS = ['online', 'degraded', 'critical', 'down', 'unknown'] as const;
const RANK = (l: string) => LIVENESS.indexOf(l as (typeof LIVENESS)[number]);
const forged = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
const seq = (h: { hostname: string }) => Number(h.hostname.slice('host-'.length));

describe('host list: sort, filter, keyset paging (GET /api/v1/hosts)', () => {
  let t: TestDatabase;
  let a: TestApp;
  let op: string;
  let viewer: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const get = (qs: string, status = 200) =>
    a.call('GET', `/api/v1/hosts?${qs}`, { token: viewer }).then((r) => json<Page>(r, status));
  const names = (p: Page) => p.items.map((h) => h.hostname);
  /** Every page of a listing, `limit` at a time. */
  const walk = async (qs: string, limit: number): Promise<Host[]> => {
    const out: Host[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const p = await get(`${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(...p.items);
      cursor = p.next_cursor;
      if (!cursor) return out;
    }
    throw new Error('paging did not end');
  };

  /** A completed scan with `pass` passing and `fail` failing verdicts, finished at `at`. */
  const completeScan = async (hostId: string, pass: number, fail: number, at: string) => {
    const scan = await t.db.query<{ id: string }>(
      `insert into scans (host_id, source, status) values ($1, 'api', 'running') returning id`,
      [hostId],
    );
    const scanId = scan.rows[0]?.id;
    const statuses = [...Array<string>(pass).fill('pass'), ...Array<string>(fail).fill('fail'), 'error'];
    // As core/results/apply.ts writes a scan: the state, the host's summary, then the completion.
    await t.db.transaction(async (tx) => {
      const before = await failingRules(tx, hostId);
      await tx.query(
        `insert into host_rule_state (host_id, rule_id, status, severity, evidence_hash, last_scan_id,
           last_checked_at, status_since)
         select $1, 'rule-' || n, s, 'medium', 'e0', $2, $3, $3 from unnest($4::text[]) with ordinality as x(s, n)
         on conflict (host_id, rule_id) do update set status = excluded.status`,
        [hostId, scanId, at, statuses],
      );
      await refreshHostPosture(tx, hostId, before);
      await tx.query(`update scans set status = 'completed', finished_at = $2 where id = $1`, [scanId, at]);
    });
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    await seedUser(t.db, 'op', ['operator']);
    await seedUser(t.db, 'view', ['viewer']);
    op = (await loginAs(a, 'op')).access_token;
    viewer = (await loginAs(a, 'view')).access_token;
    await t.db.query(`insert into evidence (hash, body) values ('e0', '{}')`);
    for (let i = 0; i < N; i++) {
      const os = OSES[i % OSES.length] ?? null;
      const { rows } = await t.db.query<{ id: string }>(
        `insert into hosts (hostname, address, environment, tags, maintenance, os_id, os_family, os_version,
           os_name, liveness)
         values ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10) returning id`,
        [
          `host-${String(i).padStart(2, '0')}`,
          `10.0.${i % 3}.${String(100 - i).padStart(3, '0')}`,
          i % 4 === 0 ? 'lab' : 'production',
          i % 5 === 0 ? ['pci', 'web'] : ['web'],
          i % 7 === 0,
          os?.id ?? null,
          os?.family ?? null,
          os?.version ?? null,
          os?.name ?? null,
          LIVENESS[i % LIVENESS.length],
        ],
      );
      const id = rows[0]?.id ?? '';
      // Scores in few distinct values (ties cross page boundaries); last scans a microsecond apart.
      if (i % 6 !== 5)
        await completeScan(
          id,
          10 - (i % 4) * 2,
          (i % 4) * 2,
          `2026-11-0${1 + (i % 3)} 10:00:00.${String(123456 + (i % 2)).padStart(6, '0')}+00`,
        );
    }
    // A deleted host is never listed.
    await t.db.query(`update hosts set deleted_at = now() where hostname = 'host-39'`);
  });
  afterAll(async () => t.drop());

  it('keeps score and last scan time on the host as scans complete (migration 0014 trigger)', async () => {
    const all = await walk('', 100);
    expect(all).toHaveLength(N - 1);
    const h0 = all.find((h) => h.hostname === 'host-00');
    const h5 = all.find((h) => h.hostname === 'host-05');
    expect(h0).toMatchObject({ score: 1, last_scan_at: '2026-11-01T10:00:00.123Z' });
    expect(h5).toMatchObject({ score: null, last_scan_at: null });
    if (!h5) throw new Error('host-05 missing');
    await completeScan(h5.id, 1, 3, '2026-11-20 08:00:00+00');
    const again = (await get('q=host-05')).items[0];
    expect(again).toMatchObject({ score: 0.25, last_scan_at: '2026-11-20T08:00:00.000Z' });
    // An older scan completing later does not move the last scan time back.
    await completeScan(h5.id, 3, 1, '2026-11-10 08:00:00+00');
    expect((await get('q=host-05')).items[0]).toMatchObject({
      score: 0.75,
      last_scan_at: '2026-11-20T08:00:00.000Z',
    });
  });

  const keyOf: Record<HostSort, (h: Host) => string | number> = {
    name: () => 0,
    address: (h) => h.address.toLowerCase(),
    os: (h) => `${(h.os.name ?? h.os.family ?? '').toLowerCase()} ${h.os.version ?? ''}`,
    score: (h) => h.score ?? -1,
    // The seed's odd hosts finished a microsecond later, which JSON's milliseconds do not show.
    last_scan: (h) =>
      h.last_scan_at
        ? Date.parse(h.last_scan_at) + (h.last_scan_at.endsWith('.123Z') && seq(h) % 2 ? 0.001 : 0)
        : -Infinity,
    liveness: (h) => RANK(h.liveness),
  };
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);

  for (const sort of HOST_SORTS)
    for (const order of ['asc', 'desc'] as const)
      it(`sort=${sort}&order=${order}: pages of 7 are the whole ordered list, each host once`, async () => {
        const paged = await walk(`sort=${sort}&order=${order}`, 7);
        const whole = (await get(`sort=${sort}&order=${order}&limit=500`)).items;
        expect(paged.map((h) => h.id)).toEqual(whole.map((h) => h.id));
        expect(new Set(paged.map((h) => h.id)).size).toBe(N - 1);
        const expected = [...whole].sort((x, y) => {
          const c = cmp(keyOf[sort](x), keyOf[sort](y)) || cmp(x.hostname, y.hostname) || cmp(x.id, y.id);
          return order === 'asc' ? c : -c;
        });
        expect(whole.map((h) => h.hostname)).toEqual(expected.map((h) => h.hostname));
      });

  it('pages through OS names beyond Latin-1 (the cursor carries them escaped)', async () => {
    await t.db.query(
      `update hosts set os_name = 'Ubuntu™ 伝' where os_id = 'ubuntu' and os_version = '24.04'`,
    );
    const paged = await walk('sort=os&order=desc', 2);
    const whole = (await get('sort=os&order=desc&limit=500')).items;
    expect(paged.map((h) => h.id)).toEqual(whole.map((h) => h.id));
    expect(whole[0]?.os.name).toBe('Ubuntu™ 伝');
  });

  it('pages stay exact when sort keys differ only in microseconds', async () => {
    const paged = await walk('sort=last_scan&order=desc&posture=good', 1);
    const whole = (await get('sort=last_scan&order=desc&posture=good&limit=500')).items;
    expect(paged.map((h) => h.id)).toEqual(whole.map((h) => h.id));
  });

  it('filters by OS, version prefix, posture band, liveness, tag, environment, maintenance and text', async () => {
    const all = await walk('', 100);
    const expectFilter = async (qs: string, keep: (h: Host) => boolean) => {
      const want = all.filter(keep).map((h) => h.hostname);
      expect(want.length, qs).toBeGreaterThan(0);
      expect(want.length, qs).toBeLessThan(all.length);
      expect(names(await get(`${qs}&limit=500`)), qs).toEqual(want);
    };
    await expectFilter('os=UBUNTU', (h) => h.os.id === 'ubuntu');
    await expectFilter('os=ubuntu&os_version=24', (h) => h.os.version === '24.04');
    await expectFilter('posture=good', (h) => h.score !== null && h.score >= 0.9);
    await expectFilter('posture=fair', (h) => h.score !== null && h.score >= 0.7 && h.score < 0.9);
    await expectFilter('posture=poor', (h) => h.score !== null && h.score < 0.7);
    await expectFilter('posture=unscanned', (h) => h.score === null);
    await expectFilter('liveness=down', (h) => h.liveness === 'down');
    await expectFilter('tag=pci', (h) => h.tags.includes('pci'));
    await expectFilter('environment=lab', (h) => h.environment === 'lab');
    await expectFilter('maintenance=true', (h) => h.in_maintenance);
    await expectFilter('q=10.0.2.', (h) => h.address.startsWith('10.0.2.'));
    await expectFilter('q=ST-1', (h) => h.hostname.startsWith('host-1'));
    await expectFilter(
      'os=ubuntu&environment=lab&maintenance=false',
      (h) => h.os.id === 'ubuntu' && h.environment === 'lab' && !h.in_maintenance,
    );
  });

  it('filters by group: manual members and the automatic OS family', async () => {
    const g = await json<{ id: string }>(
      await a.call('POST', '/api/v1/groups', {
        token: op,
        body: { name: 'debian', auto_os_family: 'debian' },
      }),
      201,
    );
    const extra = (await get('q=host-00')).items[0];
    if (!extra) throw new Error('host-00 missing');
    expect((await a.call('POST', `/api/v1/groups/${g.id}/hosts/${extra.id}`, { token: op })).status).toBe(
      204,
    );
    const got = await walk(`group=${g.id}&sort=os&order=desc`, 3);
    const all = await walk('', 100);
    const want = all.filter((h) => h.os.family === 'debian' || h.id === extra.id);
    expect(new Set(got.map((h) => h.hostname))).toEqual(new Set(want.map((h) => h.hostname)));
    expect(got).toHaveLength(want.length);
  });

  it('refuses an unknown sort, order or band naming the valid ones, and a cursor of another sort', async () => {
    const bad = await json<Err>(await a.call('GET', '/api/v1/hosts?sort=uptime', { token: viewer }), 400);
    expect(bad.error.code).toBe('validation_error');
    expect(bad.error.details).toEqual([
      { field: 'query.sort', message: 'one of: name, address, os, score, last_scan, liveness' },
    ]);
    const order = await json<Err>(await a.call('GET', '/api/v1/hosts?order=up', { token: viewer }), 400);
    expect(order.error.details?.[0]?.message).toBe('one of: asc, desc');
    const band = await json<Err>(await a.call('GET', '/api/v1/hosts?posture=great', { token: viewer }), 400);
    expect(band.error.details?.[0]?.message).toBe('one of: good, fair, poor, unscanned');
    const os = await json<Err>(await a.call('GET', "/api/v1/hosts?os=x'y", { token: viewer }), 400);
    expect(os.error.details?.[0]?.field).toBe('query.os');

    const first = await get('sort=score&limit=5');
    expect(first.next_cursor).not.toBeNull();
    for (const qs of [
      `sort=name&cursor=${first.next_cursor}`,
      `sort=score&order=desc&cursor=${first.next_cursor}`,
      'cursor=not-a-cursor',
      // Made by hand: a key that is not a number for the score sort is refused, never cast by PostgreSQL.
      `sort=score&cursor=${forged(['score', 'asc', 'abc', 'h', '00000000-0000-4000-8000-000000000000'])}`,
      `sort=last_scan&cursor=${forged(['last_scan', 'asc', 'yesterday', 'h', '00000000-0000-4000-8000-000000000000'])}`,
    ]) {
      const e = await json<Err>(await a.call('GET', `/api/v1/hosts?${qs}`, { token: viewer }), 400);
      expect(e.error.code, qs).toBe('invalid_cursor');
    }
  });

  it('each sort walks its own index (migration 0014), first page and after a cursor', async () => {
    for (const sort of HOST_SORTS)
      for (const order of ['asc', 'desc'] as const) {
        const plan = await t.db.transaction(async (tx) => {
          await tx.query('set local enable_seqscan = off');
          await tx.query('set local enable_bitmapscan = off');
          const lines: string[] = [];
          const explain: Queryable = {
            query: async <R extends object>(sql: string, params?: readonly unknown[]) => {
              const r = await tx.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
              lines.push(...r.rows.map((x) => x['QUERY PLAN']));
              return { rows: [] as R[], rowCount: 0 };
            },
          };
          await listHosts(explain, { sort, order, limit: 10 });
          await listHosts(explain, {
            sort,
            order,
            limit: 10,
            after: {
              key:
                sort === 'last_scan'
                  ? '2026-11-01 10:00:00+00'
                  : sort === 'score' || sort === 'liveness'
                    ? '1'
                    : 'x',
              name: 'h',
              id: '00000000-0000-4000-8000-000000000000',
            },
          });
          return lines.join('\n');
        });
        const scans =
          plan.match(new RegExp(`Index Scan(?: Backward)? using hosts_list_${sort}\\b`, 'g')) ?? [];
        expect(scans.length, `${sort} ${order}\n${plan}`).toBe(2);
        expect(plan, `${sort} ${order}`).not.toMatch(/\bSort\b/);
      }
  });
});
