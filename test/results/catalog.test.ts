import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { corpusVersion } from '../../core/node/bundled-rules.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { syncRuleCatalog } from '../../core/results/catalog.ts';
import { loadRules, type Rule } from '../../engine/index.ts';
import { startNodeServe } from '../helpers/api-servers.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { waitFor } from '../helpers/net.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

interface Page {
  items: {
    id: string;
    severity: string;
    tags: string[];
    category: string;
    references: Record<string, unknown>;
    platforms: { family: string }[];
  }[];
  next_cursor: string | null;
}

describe('rule catalog', () => {
  let t: TestDatabase;
  let a: TestApp;
  let token: string;
  let rules: Rule[];

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    await seedUser(t.db, 'catalog_viewer', ['viewer']);
    token = (await loginAs(a, 'catalog_viewer')).access_token;
    rules = (await loadRules([BUNDLED_RULES_DIR])).rules;
  }, 120_000);
  afterAll(async () => t.drop());

  const count = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from rule_catalog')).rows[0]?.n;

  it('loads the bundled corpus once; an unchanged corpus (same hash) is not reloaded', async () => {
    const version = await corpusVersion(BUNDLED_RULES_DIR);
    expect(version).toMatch(/^[0-9a-f]{64}$/);
    expect(await syncBundledRuleCatalog(t.db, log)).toMatchObject({
      changed: true,
      upserted: rules.length,
      deleted: 0,
    });
    expect(await count()).toBe(rules.length);
    expect(await syncBundledRuleCatalog(t.db, log)).toEqual({ changed: false, upserted: 0, deleted: 0 });
    const { rows } = await t.db.query('select distinct corpus_version from rule_catalog');
    expect(rows).toEqual([{ corpus_version: version }]);
  });

  it('a new corpus version upserts what changed and deletes rules no longer present', async () => {
    const kept = rules.slice(0, 10).map((r, i) => (i === 0 ? { ...r, title: 'Renamed' } : r));
    expect(await syncRuleCatalog(t.db, kept, 'v-small')).toEqual({
      changed: true,
      upserted: 10,
      deleted: rules.length - 10,
    });
    expect(await count()).toBe(10);
    const { rows } = await t.db.query('select title from rule_catalog where rule_id = $1', [kept[0]?.id]);
    expect(rows).toEqual([{ title: 'Renamed' }]);
    expect(await syncRuleCatalog(t.db, kept, 'v-small')).toMatchObject({ changed: false });
    await syncBundledRuleCatalog(t.db, log);
    expect(await count()).toBe(rules.length);
  });

  it('GET /api/v1/rules filters and pages', async () => {
    const get = async (qs: string): Promise<Page> => {
      const res = await a.call('GET', `/api/v1/rules${qs}`, { token });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Page;
    };
    // Every page of a query: the corpus is larger than one page (500).
    const getAll = async (filter: string): Promise<Page['items']> => {
      const items: Page['items'] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Page = await get(`?limit=200${filter}${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...page.items);
        cursor = page.next_cursor;
      }
      return items;
    };
    expect((await getAll('')).map((r) => r.id)).toEqual(rules.map((r) => r.id));

    const stig = await get('?framework=stig&limit=500');
    expect(stig.items.length).toBe(rules.filter((r) => r.references.stig).length);
    expect(stig.items.every((r) => 'stig' in r.references)).toBe(true);
    const high = await get('?severity=high&category=ssh&limit=500');
    expect(high.items.length).toBe(rules.filter((r) => r.severity === 'high' && r.category === 'ssh').length);
    expect(high.items.length).toBeGreaterThan(0);
    const rhel = await getAll('&platform=rhel');
    expect(rhel.length).toBe(
      rules.filter(
        (r) => !r.platforms || r.platforms.length === 0 || r.platforms.some((p) => p.family === 'rhel'),
      ).length,
    );
    const tag = rules[0]?.tags[0] ?? 'accounts';
    expect((await get(`?tag=${tag}&limit=500`)).items.length).toBe(
      rules.filter((r) => r.tags.includes(tag)).length,
    );
    const q = await get('?q=SSH&limit=500');
    expect(q.items.length).toBeGreaterThan(0);
    expect(q.items.length).toBe(
      rules.filter((r) => `${r.id} ${r.title}`.toLowerCase().includes('ssh')).length,
    );
    const bad = await a.call('GET', '/api/v1/rules?framework=iso27001', { token });
    expect(bad.status).toBe(400);
  });

  it('openwatch serve syncs the catalog at start-up', async () => {
    const fresh = await createTestDatabase();
    const serve = await startNodeServe({ dsn: fresh.dsn });
    try {
      await waitFor(
        async () => {
          const { rows } = await fresh.db.query<{ n: number }>('select count(*)::int as n from rule_catalog');
          return rows[0]?.n === rules.length ? true : undefined;
        },
        30_000,
        `catalog sync: ${serve.output()}`,
      );
    } finally {
      await serve.stop();
      await fresh.drop();
    }
  }, 90_000);
});
