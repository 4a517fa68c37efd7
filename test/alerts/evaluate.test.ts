import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../core/alerts/evaluate.ts';
import { NOTIFY_JOB } from '../../core/alerts/jobs.ts';
import { deriveJobKey, type JobKey } from '../../core/crypto/job-signing.ts';
import { insertAlertRule } from '../../core/db/sql/alert-rules.ts';
import { emitEvents } from '../../core/events/emit.ts';
import type { NewEvent } from '../../core/events/kinds.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

interface Alert {
  id: string;
  event_kind: string;
  rule_id: string | null;
  state: string;
  occurrences: number;
  title: string;
  name: string;
}

describe('alert evaluation from the event log', () => {
  let t: TestDatabase;
  let key: JobKey;
  let host: string;
  let tagged: string;
  const at = (min: number) => new Date(Date.UTC(2026, 10, 1, 10, min));

  const emit = (...events: NewEvent[]) => t.db.transaction((tx) => emitEvents(tx, events));
  const alerts = async (hostId: string) =>
    (
      await t.db.query<Alert>(
        `select a.id::text as id, a.event_kind, a.rule_id, a.state, a.occurrences, a.title, r.name
           from alerts a join alert_rules r on r.id = a.alert_rule_id
          where a.host_id = $1 order by a.first_event_id, a.id`,
        [hostId],
      )
    ).rows;
  const regressed = (
    hostId: string,
    rule: string,
    severity: NewEvent['severity'],
    min: number,
  ): NewEvent => ({
    kind: 'rule.regressed',
    hostId,
    ruleId: rule,
    severity,
    occurredAt: at(min),
  });

  beforeAll(async () => {
    t = await createTestDatabase();
    key = await deriveJobKey(randomBytes(32));
    host = await seedHost(t.db, 'alerts-1');
    tagged = await seedHost(t.db, 'alerts-2');
    await t.db.query(`update hosts set tags = '{pci}' where id = $1`, [tagged]);
  });
  afterAll(async () => t.drop());

  it('a critical regression opens one alert; repeats within the window fold into it; others do not match', async () => {
    await emit(
      regressed(host, 'sshd_disable_root_login', 'critical', 0),
      regressed(host, 'sshd_disable_root_login', 'critical', 5),
      regressed(host, 'audit_rules_time', 'critical', 6),
      regressed(host, 'x11_forwarding', 'high', 7),
    );
    expect(await evaluateAlerts(t.db, key)).toEqual({ events: 4, fired: 2, folded: 1, resolved: 0 });
    expect(await alerts(host)).toEqual([
      expect.objectContaining({
        rule_id: 'sshd_disable_root_login',
        state: 'active',
        occurrences: 2,
        title: 'Critical rule regressed — alerts-1 — sshd_disable_root_login',
      }),
      expect.objectContaining({ rule_id: 'audit_rules_time', occurrences: 1 }),
    ]);
    // Nothing new: nothing happens, and the evaluator's own alert.* events match no rule.
    expect(await evaluateAlerts(t.db, key)).toMatchObject({ fired: 0, folded: 0, resolved: 0 });
  });

  it('auto-resolves when the rule passes again; a later regression is a new alert', async () => {
    await emit({
      kind: 'rule.recovered',
      hostId: host,
      ruleId: 'sshd_disable_root_login',
      occurredAt: at(10),
    });
    expect(await evaluateAlerts(t.db, key)).toMatchObject({ resolved: 1, fired: 0 });
    await emit(regressed(host, 'sshd_disable_root_login', 'critical', 11));
    await evaluateAlerts(t.db, key);
    const root = (await alerts(host)).filter((a) => a.rule_id === 'sshd_disable_root_login');
    expect(root.map((a) => a.state)).toEqual(['resolved', 'active']);
    const audit = await t.db.query<{ code: string }>(
      `select code from audit_events where code like 'alert.%' order by id`,
    );
    expect(audit.rows.map((r) => r.code)).toEqual([
      'alert.fired',
      'alert.fired',
      'alert.resolved',
      'alert.fired',
    ]);
  });

  it('host unreachable fires on liveness down and resolves when the host answers again', async () => {
    const live = (to: string, min: number): NewEvent => ({
      kind: 'host.liveness_changed',
      hostId: tagged,
      severity: to === 'down' ? 'critical' : null,
      occurredAt: at(min),
      data: { from: 'online', to, detail: null },
    });
    await emit(live('degraded', 20));
    await evaluateAlerts(t.db, key);
    expect(await alerts(tagged)).toEqual([]);
    await emit(live('down', 21));
    await evaluateAlerts(t.db, key);
    expect(await alerts(tagged)).toEqual([
      expect.objectContaining({
        name: 'Host unreachable',
        state: 'active',
        title: 'Host unreachable — alerts-2',
      }),
    ]);
    await emit(live('online', 22));
    expect(await evaluateAlerts(t.db, key)).toMatchObject({ resolved: 1 });
    expect((await alerts(tagged)).map((a) => a.state)).toEqual(['resolved']);
  });

  it('custom rules filter by tag and severity and queue one signed delivery per channel', async () => {
    const { rows } = await t.db.query<{ id: string }>(
      `insert into notification_channels (name, type, secret_enc, key_version)
       values ('a', 'webhook', 'v1:x', '00000000'), ('b', 'slack', 'v1:x', '00000000') returning id::text as id`,
    );
    const channels = rows.map((r) => r.id);
    const rule = await insertAlertRule(t.db, {
      name: 'PCI hosts: high regressions',
      eventKind: 'rule.regressed',
      minSeverity: 'high',
      hostTags: ['pci'],
      groupIds: [],
      framework: null,
      threshold: null,
      dedupWindowSeconds: 3600,
      channelIds: channels,
      enabled: true,
    });
    await emit(
      regressed(tagged, 'x11_forwarding', 'high', 30),
      regressed(tagged, 'motd', 'medium', 31),
      regressed(host, 'x11_forwarding', 'high', 32),
    );
    await evaluateAlerts(t.db, key);
    const mine = (await alerts(tagged)).filter((a) => a.name === rule.name);
    expect(mine.map((a) => a.rule_id)).toEqual(['x11_forwarding']);
    const jobs = await t.db.query<{ payload: { channel_id: string; alert_id: string; purpose: string } }>(
      `select payload from jobs where kind = $1 order by id`,
      [NOTIFY_JOB],
    );
    expect(jobs.rows.map((j) => j.payload)).toEqual(
      channels.map((c) => ({ channel_id: c, alert_id: mine[0]?.id, purpose: 'fired' })),
    );
  });

  it('a dismissed alert swallows repeats within its window only; silences expire back to active', async () => {
    const rule = await insertAlertRule(t.db, {
      name: 'Any regression (1 h)',
      eventKind: 'rule.regressed',
      minSeverity: null,
      hostTags: [],
      groupIds: [],
      framework: null,
      threshold: null,
      dedupWindowSeconds: 3600,
      channelIds: [],
      enabled: true,
    });
    const mine = async () => (await alerts(host)).filter((a) => a.name === rule.name && a.rule_id === 'motd');
    await emit(regressed(host, 'motd', 'low', 40));
    await evaluateAlerts(t.db, key);
    const [first] = await mine();
    await t.db.query(`update alerts set state = 'dismissed' where id = $1`, [first?.id]);
    await emit(regressed(host, 'motd', 'low', 50));
    await evaluateAlerts(t.db, key);
    expect((await mine()).map((a) => [a.state, a.occurrences])).toEqual([['dismissed', 2]]);
    await emit({
      ...regressed(host, 'motd', 'low', 0),
      occurredAt: new Date(at(50).getTime() + 2 * 3600_000),
    });
    await evaluateAlerts(t.db, key);
    const both = await mine();
    expect(both.map((a) => a.state)).toEqual(['dismissed', 'active']);
    await t.db.query(
      `update alerts set state = 'silenced', silenced_until = now() - interval '1 second' where id = $1`,
      [both[1]?.id],
    );
    await evaluateAlerts(t.db, key);
    expect((await mine()).map((a) => a.state)).toEqual(['dismissed', 'active']);
    const expired = await t.db.query(
      `select 1 from audit_events where code = 'alert.silence_expired' and target_id = $1`,
      [both[1]?.id],
    );
    expect(expired.rowCount).toBe(1);
  });

  it('custom rules filter by group membership and by framework mapping', async () => {
    const member = await seedHost(t.db, 'alerts-3');
    const outsider = await seedHost(t.db, 'alerts-4');
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name) values ('dmz') returning id::text as id`,
    );
    const group = rows[0]?.id ?? '';
    await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [group, member]);
    await t.db.query(
      `insert into rule_catalog (rule_id, title, severity, category, refs, platforms, corpus_version)
       values ('cis_rule', 't', 'low', 'c', '{"cis": ["5.2.10"], "stig": []}', '[]', 'v'),
              ('stig_rule', 't', 'low', 'c', '{"cis": [], "stig": ["V-1"]}', '[]', 'v')`,
    );
    const rule = await insertAlertRule(t.db, {
      name: 'DMZ CIS regressions',
      eventKind: 'rule.regressed',
      minSeverity: null,
      hostTags: [],
      groupIds: [group],
      framework: 'cis',
      threshold: null,
      dedupWindowSeconds: 60,
      channelIds: [],
      enabled: true,
    });
    await emit(
      regressed(member, 'cis_rule', 'low', 55),
      regressed(member, 'stig_rule', 'low', 55),
      regressed(outsider, 'cis_rule', 'low', 55),
      regressed(member, 'not_in_catalog', 'low', 55),
    );
    await evaluateAlerts(t.db, key);
    const opened = await t.db.query<{ host_id: string; rule_id: string }>(
      `select host_id::text as host_id, rule_id from alerts where alert_rule_id = $1`,
      [rule.id],
    );
    expect(opened.rows).toEqual([{ host_id: member, rule_id: 'cis_rule' }]);
  });
});
