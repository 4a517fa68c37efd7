import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRuleCatalog } from '../../core/results/catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { loadRules } from '../../engine/index.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from '../results/fixtures.ts';

// The two endpoints the console added: a rule's text with fleet counts, and the dashboard's fleet summary.
describe('console endpoints: GET /api/v1/rules/:id and GET /api/v1/fleet/summary', () => {
  let t: TestDatabase;
  let a: TestApp;
  let token: string;
  let noHosts: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    const { rules } = await loadRules([BUNDLED_RULES_DIR]);
    await syncRuleCatalog(t.db, rules, 'test-corpus');
    await seedUser(t.db, 'con_viewer', ['viewer']);
    token = (await loginAs(a, 'con_viewer')).access_token;
    // A custom role with rules:read but not hosts:read shows that the summary checks its permission.
    await seedUser(t.db, 'con_admin', ['admin']);
    const admin = (await loginAs(a, 'con_admin')).access_token;
    const role = await a.call('POST', '/api/v1/roles', {
      token: admin,
      body: { name: 'rules_only', description: 'rules', permissions: ['rules:read'] },
    });
    expect(role.status).toBe(201);
    await seedUser(t.db, 'con_rules', ['rules_only']);
    noHosts = (await loginAs(a, 'con_rules')).access_token;

    const good = await seedHost(t.db, 'good-1');
    const bad = await seedHost(t.db, 'bad-1');
    await seedHost(t.db, 'new-1');
    await t.db.query(`update hosts set liveness = 'online' where id = $1`, [good]);
    const apply = async (host: string, statuses: Array<'pass' | 'fail'>) =>
      applyScanResults(t.db, {
        scanId: await newScan(t.db, host),
        hostId: host,
        report: {
          results: statuses.map((s, i) => result(i === 0 ? 'sshd_disable_root_login' : `rule_${i}`, s)),
        },
        completedAt: new Date(),
      });
    await apply(good, ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    await apply(bad, ['fail', 'fail', 'pass']);
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('answers a rule with its description, rationale, remediation, references and fleet counts', async () => {
    const res = await a.call('GET', '/api/v1/rules/sshd_disable_root_login', { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string> & { references: { cac: string[] } };
    expect(body).toMatchObject({
      id: 'sshd_disable_root_login',
      severity: 'high',
      fleet: { pass: 1, fail: 1, error: 0, not_applicable: 0, not_assessable: 0 },
    });
    expect(body.description).toContain('PermitRootLogin');
    expect(body.rationale?.length).toBeGreaterThan(20);
    expect(body.remediation).toContain('PermitRootLogin no');
    expect(body.references.cac).toEqual(['sshd_disable_root_login']);
  });

  it('answers 404 for an unknown rule and 400 for a malformed id', async () => {
    const missing = await a.call('GET', '/api/v1/rules/no_such_rule', { token });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await a.call('GET', '/api/v1/rules/Bad;Id', { token })).status).toBe(400);
  });

  it('counts hosts by liveness and posture band, and scans in the queue and finished today', async () => {
    await t.db.query(`update scans set finished_at = now(), status = 'completed'`);
    const host = await seedHost(t.db, 'queued-1');
    await newScan(t.db, host);
    await t.db.query(`update scans set status = 'queued' where host_id = $1`, [host]);
    const res = await a.call('GET', '/api/v1/fleet/summary', { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hosts: 4,
      liveness: { online: 1, unknown: 3 },
      posture: { good: 1, poor: 1, unscanned: 2 },
      scans: { queued: 1, running: 0, failed_today: 0, completed_today: 2 },
    });
  });

  it('leaves deleted hosts out and refuses callers without hosts:read', async () => {
    await t.db.query(`update hosts set deleted_at = now() where hostname = 'queued-1'`);
    const body = (await (await a.call('GET', '/api/v1/fleet/summary', { token })).json()) as {
      hosts: number;
    };
    expect(body.hosts).toBe(3);
    const denied = await a.call('GET', '/api/v1/fleet/summary', { token: noHosts });
    expect(denied.status).toBe(403);
    expect((await a.call('GET', '/api/v1/rules/sshd_disable_root_login', { token: noHosts })).status).toBe(
      200,
    );
  });
});
