import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideException, insertException, revokeException } from '../../core/db/sql/exceptions.ts';
import { exceptedFailures } from '../../core/db/sql/exceptions.ts';
import { fleetSummary } from '../../core/db/sql/fleet-summary.ts';
import { softDeleteHost } from '../../core/db/sql/hosts.ts';
import {
  postureByFramework,
  postureCounts,
  topFailingHosts,
  topFailingRules,
  type Scope,
} from '../../core/db/sql/posture.ts';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { syncRuleCatalog } from '../../core/results/catalog.ts';
import { FRAMEWORKS } from '../../core/results/frameworks.ts';
import type { Queryable } from '../../core/db/types.ts';
import type { Rule, Status } from '../../engine/index.ts';
import { seedUser } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from './fixtures.ts';

/**
 * The posture summaries (host_posture, rule_posture) against the aggregate they replace, computed here
 * the slow way over every host × rule state, after scans, re-scans, exception approval and revocation,
 * host deletion and a catalog change.
 */

const STATUSES: Status[] = ['pass', 'fail', 'fail', 'error', 'not_applicable', 'not_assessable', 'pass'];
const RULES = Array.from({ length: 24 }, (_, i) => `sr_${String(i).padStart(2, '0')}`);
const REFS = (i: number): Record<string, unknown> => ({
  ...(i % 2 === 0 ? { cis: { debian12: [`${i}.1`] } } : {}),
  ...(i % 3 === 0 ? { stig: [`V-${i}`] } : {}),
  ...(i % 5 === 0 ? { nist_800_53: ['AC-1'] } : {}),
  ...(i % 7 === 0 ? { pci_dss_4: ['1.1'] } : {}),
});
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** The slow aggregate: posture counts over every current state in scope. */
const SLOW_SCOPE = `h.deleted_at is null
  and ($1::uuid is null or x.host_id = $1)
  and ($2::uuid is null or exists (select 1 from host_group_members m where m.group_id = $2 and m.host_id = x.host_id))
  and ($3::text is null or exists (select 1 from rule_catalog c where c.rule_id = x.rule_id and c.refs ? $3))`;
const SLOW_COUNTS = ['pass', 'fail', 'error', 'not_applicable', 'not_assessable']
  .map((s) => `count(*) filter (where x.status = '${s}')::int as ${s}`)
  .join(', ');

async function slow(q: Queryable, s: Scope) {
  const p = [s.hostId ?? null, s.groupId ?? null, s.framework ?? null];
  const counts = await q.query(
    `select ${SLOW_COUNTS}, count(distinct x.host_id)::int as hosts_assessed
       from host_rule_state x join hosts h on h.id = x.host_id where ${SLOW_SCOPE}`,
    p,
  );
  const frameworks = await q.query(
    `select f.key as framework, ${SLOW_COUNTS}
       from host_rule_state x join hosts h on h.id = x.host_id
       join rule_catalog rc on rc.rule_id = x.rule_id cross join lateral jsonb_object_keys(rc.refs) f(key)
      where ${SLOW_SCOPE} and f.key = any($4::text[]) group by f.key order by f.key`,
    [...p, s.framework ? [s.framework] : FRAMEWORKS],
  );
  const rules = await q.query(
    `select x.rule_id, count(*)::int as failing_hosts from host_rule_state x join hosts h on h.id = x.host_id
      where x.status = 'fail' and ${SLOW_SCOPE} group by x.rule_id order by x.rule_id`,
    p,
  );
  const hosts = await q.query(
    `select x.host_id::text as host_id, ${SLOW_COUNTS} from host_rule_state x join hosts h on h.id = x.host_id
      where ${SLOW_SCOPE} group by x.host_id having count(*) filter (where x.status = 'fail') > 0
      order by x.host_id`,
    p,
  );
  const excepted = await q.query(
    `select count(*)::int as n from host_rule_state x join hosts h on h.id = x.host_id
      where x.status = 'fail' and ${SLOW_SCOPE} and exists (
        select 1 from rule_exceptions e
         where e.rule_id = x.rule_id and e.state = 'approved' and (e.expires_at is null or e.expires_at > now())
           and (e.host_id = x.host_id or exists (select 1 from host_groups g where g.id = e.group_id
                 and ((g.auto_os_family is not null and g.auto_os_family = h.os_family)
                      or exists (select 1 from host_group_members m where m.group_id = g.id and m.host_id = h.id)))))`,
    p,
  );
  const bands = await q.query<{ band: string; n: number }>(
    `select band, count(*)::int as n from (
       select case when sc is null then 'unscanned' when sc >= 0.9 then 'good' when sc >= 0.7 then 'fair'
                   else 'poor' end as band
         from (select h.id, (select case when count(*) filter (where s.status in ('pass', 'fail')) = 0 then null
                                   else count(*) filter (where s.status = 'pass')::float8
                                        / count(*) filter (where s.status in ('pass', 'fail')) end
                               from host_rule_state s where s.host_id = h.id) as sc
                 from hosts h where h.deleted_at is null) y) z group by band`,
  );
  return {
    counts: counts.rows[0],
    frameworks: frameworks.rows,
    rules: rules.rows,
    hosts: hosts.rows,
    excepted: (excepted.rows[0] as { n: number }).n,
    bands: Object.fromEntries(bands.rows.map((b) => [b.band, b.n])),
  };
}

async function fast(q: Queryable, s: Scope) {
  const c = await postureCounts(q, s);
  const { hosts_total: _total, ...counts } = c;
  const rules = await topFailingRules(q, s, 1000);
  const hosts = await topFailingHosts(q, s, 100_000);
  return {
    counts,
    frameworks: await postureByFramework(q, s, s.framework ? [s.framework] : FRAMEWORKS),
    rules: rules
      .map((r) => ({ rule_id: r.rule_id, failing_hosts: r.failing_hosts }))
      .sort((a, b) => a.rule_id.localeCompare(b.rule_id)),
    hosts: hosts.map(({ hostname: _h, ...rest }) => rest).sort((a, b) => a.host_id.localeCompare(b.host_id)),
    excepted: await exceptedFailures(q, s),
    bands: (await fleetSummary(q)).posture,
  };
}

describe('posture summaries', () => {
  let t: TestDatabase;
  const hosts: string[] = [];
  let group: string;
  let requester: string;
  let approver: string;
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };

  const scan = async (host: string) => {
    const results = RULES.filter(() => rand(5) > 0).map((r) =>
      result(r, STATUSES[rand(STATUSES.length)] ?? 'pass'),
    );
    await applyScanResults(t.db, {
      scanId: await newScan(t.db, host),
      hostId: host,
      report: { results },
      completedAt: new Date(),
    });
  };

  const scopes = (): Scope[] => [
    {},
    { hostId: hosts[0] },
    { hostId: hosts[3] },
    { groupId: group },
    ...FRAMEWORKS.map((framework) => ({ framework })),
    { groupId: group, framework: 'cis' },
    { hostId: hosts[1], framework: 'stig' },
  ];

  const expectEqual = async (step: string) => {
    for (const s of scopes()) {
      const [f, w] = [await fast(t.db, s), await slow(t.db, s)];
      expect(f, `${step}: ${JSON.stringify(s)}`).toEqual(w);
    }
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await upsertCatalog(
      t.db,
      RULES.map((id, i) => ({
        rule_id: id,
        title: `Title ${id}`,
        severity: SEVERITIES[i % 4] ?? 'low',
        category: 'test',
        tags: [],
        refs: REFS(i),
        platforms: [],
      })),
      'v1',
    );
    for (let i = 0; i < 12; i++) hosts.push(await seedHost(t.db, `sum-${i}`));
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name) values ('summary') returning id::text as id`,
    );
    group = rows[0]?.id ?? '';
    for (const h of hosts.slice(2, 7))
      await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [group, h]);
    requester = await seedUser(t.db, 'sum_requester', ['operator']);
    approver = await seedUser(t.db, 'sum_approver', ['admin']);
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('equals the aggregate over every state after first scans and re-scans (one host never scanned)', async () => {
    for (const h of hosts.slice(0, 11)) await scan(h);
    await expectEqual('first scans');
    for (let round = 0; round < 3; round++) for (const h of hosts.slice(0, 11)) await scan(h);
    await expectEqual('re-scans');
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from rule_posture where failing_hosts > 0',
    );
    expect(rows[0]?.n).toBeGreaterThan(10);
  });

  it('equals it after exceptions are approved (host and group) and revoked', async () => {
    const failing = await t.db.query<{ host_id: string; rule_id: string }>(
      `select host_id::text as host_id, rule_id from host_rule_state where status = 'fail' order by host_id, rule_id`,
    );
    const first = failing.rows[0];
    if (!first) throw new Error('no failing state');
    const forHost = await insertException(t.db, {
      hostId: first.host_id,
      groupId: null,
      ruleId: first.rule_id,
      reason: 'accepted',
      expiresAt: null,
      requestedBy: requester,
    });
    const forGroup = await insertException(t.db, {
      hostId: null,
      groupId: group,
      ruleId: RULES[2] ?? '',
      reason: 'accepted for the group',
      expiresAt: null,
      requestedBy: requester,
    });
    await expectEqual('requested only');
    expect((await fast(t.db, {})).excepted).toBe(0);
    for (const e of [forHost, forGroup])
      expect(await decideException(t.db, e.id, { state: 'approved', by: approver, comment: null })).toBe(
        true,
      );
    const approved = await fast(t.db, {});
    expect(approved.excepted).toBeGreaterThan(0);
    await expectEqual('approved');
    expect(await revokeException(t.db, forHost.id, { by: approver, reason: null })).toBe(true);
    await expectEqual('one revoked');
    expect((await fast(t.db, {})).excepted).toBeLessThan(approved.excepted);
  });

  it('equals it after hosts are deleted, and after later scans of the others', async () => {
    const before = await fast(t.db, {});
    await softDeleteHost(t.db, hosts[0] ?? '');
    await softDeleteHost(t.db, hosts[3] ?? '');
    await expectEqual('deleted');
    expect((await fast(t.db, {})).counts.hosts_assessed).toBe(before.counts.hosts_assessed - 2);
    for (const h of hosts.slice(4, 11)) await scan(h);
    await expectEqual('scans after deletion');
  });

  it('follows a catalog change of references (sync rebuilds the per-framework counts)', async () => {
    const rules = RULES.map((id, i) => ({
      id,
      title: `Title ${id}`,
      severity: SEVERITIES[(i + 1) % 4] ?? 'low',
      category: 'test',
      tags: [],
      references: i % 2 === 1 ? { cis: { debian12: [`${i}.9`] } } : {},
      implementations: [],
      variables: {},
      description: '',
      rationale: '',
      remediation: '',
    })) as unknown as Rule[];
    const out = await syncRuleCatalog(t.db, rules, 'v2');
    expect(out.changed).toBe(true);
    await expectEqual('catalog v2');
  });
});
