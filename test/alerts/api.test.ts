import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../core/alerts/evaluate.ts';
import { emitEvents } from '../../core/events/emit.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

interface Alert {
  id: string;
  state: string;
  read: boolean;
  silenced_until: string | null;
  rule_id: string;
}

describe('alerts API: lifecycle, per-user unread counts, rules', () => {
  let t: TestDatabase;
  let app: TestApp;
  const tok: Record<string, string> = {};
  let ids: string[] = [];

  const api = async <T>(user: string, method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token: tok[user], ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['operator']);
    await seedUser(t.db, 'eve', ['viewer']);
    tok.ops = (await loginAs(app, 'ops')).access_token;
    tok.eve = (await loginAs(app, 'eve')).access_token;
    const host = await seedHost(t.db, 'api-1');
    await t.db.transaction((tx) =>
      emitEvents(
        tx,
        ['r_a', 'r_b', 'r_c'].map((r) => ({
          kind: 'rule.regressed',
          hostId: host,
          ruleId: r,
          severity: 'critical',
        })),
      ),
    );
    await evaluateAlerts(t.db, await app.identity.jobKey());
    const list = await api<{ items: Alert[] }>('ops', 'GET', '/api/v1/alerts');
    ids = list.body.items.map((a) => a.id);
  });
  afterAll(async () => t.drop());

  it('lists alerts with unread counts per user; marking read is personal', async () => {
    expect(ids).toHaveLength(3);
    expect((await api('ops', 'GET', '/api/v1/alerts/unread-count')).body).toEqual({
      total: 3,
      by_severity: { critical: 3 },
    });
    expect((await api('ops', 'POST', '/api/v1/alerts/read', { ids: [ids[0]] })).body).toEqual({ marked: 1 });
    expect((await api<{ total: number }>('ops', 'GET', '/api/v1/alerts/unread-count')).body.total).toBe(2);
    expect((await api<{ total: number }>('eve', 'GET', '/api/v1/alerts/unread-count')).body.total).toBe(3);
    const unread = await api<{ items: Alert[] }>('ops', 'GET', '/api/v1/alerts?unread=true');
    expect(unread.body.items.map((a) => a.id).sort()).toEqual([ids[1], ids[2]].sort());
    const page1 = await api<{ items: Alert[]; next_cursor: string }>('ops', 'GET', '/api/v1/alerts?limit=2');
    const page2 = await api<{ items: Alert[]; next_cursor: string | null }>(
      'ops',
      'GET',
      `/api/v1/alerts?limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
    );
    expect([...page1.body.items, ...page2.body.items].map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(page2.body.next_cursor).toBeNull();
  });

  it('acknowledge, silence (future only), reopen, resolve, dismiss; wrong states are 409; all audited', async () => {
    const [a, b, c] = ids;
    expect((await api<Alert>('ops', 'POST', `/api/v1/alerts/${a}/acknowledge`, {})).body.state).toBe(
      'acknowledged',
    );
    const past = await api<{ error: { code: string } }>('ops', 'POST', `/api/v1/alerts/${b}/silence`, {
      until: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    const until = new Date(Date.now() + 3600_000).toISOString();
    const silenced = await api<Alert>('ops', 'POST', `/api/v1/alerts/${b}/silence`, { until });
    expect(silenced.body).toMatchObject({ state: 'silenced', silenced_until: until });
    expect((await api<Alert>('ops', 'POST', `/api/v1/alerts/${b}/reopen`, {})).body.state).toBe('active');
    expect(
      (await api<Alert>('ops', 'POST', `/api/v1/alerts/${c}/dismiss`, { comment: 'known' })).body.state,
    ).toBe('dismissed');
    const again = await api<{ error: { code: string; details: { state: string } } }>(
      'ops',
      'POST',
      `/api/v1/alerts/${c}/acknowledge`,
      {},
    );
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_state', details: { state: 'dismissed' } });
    expect((await api<Alert>('ops', 'POST', `/api/v1/alerts/${a}/resolve`, {})).body.state).toBe('resolved');
    expect((await api('eve', 'POST', `/api/v1/alerts/${b}/resolve`, {})).status).toBe(403);
    expect(
      (await api('ops', 'POST', `/api/v1/alerts/00000000-0000-4000-8000-000000000000/resolve`, {})).status,
    ).toBe(404);
    const audit = await t.db.query<{ code: string; actor_name: string }>(
      `select code, actor_name from audit_events where target_type = 'alert' and actor_name = 'ops' order by id`,
    );
    expect(audit.rows.map((r) => r.code)).toEqual([
      'alert.acknowledged',
      'alert.silenced',
      'alert.reopened',
      'alert.dismissed',
      'alert.resolved',
    ]);
    const changed = await t.db.query(`select 1 from events where kind = 'alert.changed'`);
    expect(changed.rowCount).toBe(5);
  });

  it('alert rules: built-ins listed and not deletable; custom rules validated and audited', async () => {
    const rules = await api<{ items: { id: string; builtin: string | null }[] }>(
      'ops',
      'GET',
      '/api/v1/alert-rules',
    );
    expect(rules.body.items.map((r) => r.builtin).sort()).toEqual([
      'critical_regressed',
      'drift_major',
      'host_key_changed',
      'host_unreachable',
    ]);
    const builtin = rules.body.items[0]?.id;
    expect(
      (await api<{ error: { code: string } }>('ops', 'DELETE', `/api/v1/alert-rules/${builtin}`)).status,
    ).toBe(409);
    const badKind = await api('ops', 'POST', '/api/v1/alert-rules', { name: 'x', event_kind: 'alert.fired' });
    expect(badKind.status).toBe(400);
    const noChannel = await api<{ error: { code: string } }>('ops', 'POST', '/api/v1/alert-rules', {
      name: 'x',
      event_kind: 'scan.failed',
      channel_ids: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(noChannel.status).toBe(422);
    const made = await api<{ id: string; dedup_window_seconds: number }>(
      'ops',
      'POST',
      '/api/v1/alert-rules',
      {
        name: 'Scan failures',
        event_kind: 'scan.failed',
        dedup_window_seconds: 600,
      },
    );
    expect(made.status).toBe(201);
    expect(made.body.dedup_window_seconds).toBe(600);
    expect((await api('ops', 'DELETE', `/api/v1/alert-rules/${made.body.id}`)).status).toBe(204);
    const audit = await t.db.query<{ code: string }>(
      `select code from audit_events where code like 'alert_rule.%' order by id`,
    );
    expect(audit.rows.map((r) => r.code)).toEqual(['alert_rule.created', 'alert_rule.deleted']);
  });
});
