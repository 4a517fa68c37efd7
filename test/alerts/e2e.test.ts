import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '../../core/db/sql/jobs.ts';
import { createLogger } from '../../core/log.ts';
import { requestLiveness } from '../../core/scans/request.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import {
  httpsReceiver,
  localhostTls,
  smtpReceiver,
  verifyWebhook,
  type HttpsReceiver,
  type SmtpReceiver,
} from '../helpers/receivers.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

const HARDENED = 'PermitRootLogin no\nX11Forwarding no\n';
const WEAK = 'PermitRootLogin yes\nX11Forwarding no\n';
const RULES = ['sshd_disable_root_login', 'sshd_disable_x11_forwarding'];
const SECRET = 'e2e-signing-secret-e2e-signing-secret-0123';

interface Alert {
  id: string;
  state: string;
  occurrences: number;
  rule_id: string | null;
  host: { id: string } | null;
  alert_rule: { id: string; name: string };
}

describe('alerts end to end: real sshd hosts → scans → events → alerts → webhook, Slack and SMTP', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let runner: JobLoop;
  let hook: HttpsReceiver;
  let slack: HttpsReceiver;
  let smtp: SmtpReceiver;
  let ruleId: string;
  const hosts: { id: string; hardened: SshdHost; weak: SshdHost }[] = [];
  const logs: string[] = [];

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const scanAll = async () => {
    const ids = await Promise.all(
      hosts.map(async (h) => {
        const r = await api<{ id: string }>('POST', `/api/v1/hosts/${h.id}/scans`, { rule_ids: RULES });
        expect(r.status).toBe(202);
        return r.body.id;
      }),
    );
    for (const id of ids)
      await waitFor(
        async () => {
          const s = await api<{ status: string }>('GET', `/api/v1/scans/${id}`);
          if (s.body.status === 'failed') throw new Error(`scan failed: ${JSON.stringify(s.body)}`);
          return s.body.status === 'completed' ? true : undefined;
        },
        60_000,
        `scan ${id}`,
      );
  };
  const pointAt = async (which: 'hardened' | 'weak') => {
    for (const h of hosts)
      expect((await api('PATCH', `/api/v1/hosts/${h.id}`, { port: h[which].port })).status).toBe(200);
  };
  const mine = async () =>
    (await api<{ items: Alert[] }>('GET', '/api/v1/alerts?limit=200')).body.items.filter(
      (a) => a.alert_rule.id === ruleId,
    );
  /** Waits until the event log has been evaluated up to its newest event. */
  const evaluated = () =>
    waitFor(
      async () => {
        const { rows } = await t.db.query<{ behind: boolean }>(
          `select (select coalesce(max(id), 0) from events where kind not like 'alert.%')
                  > (select last_event_id from event_cursors where consumer = 'alerts') as behind`,
        );
        return rows[0]?.behind === false ? true : undefined;
      },
      20_000,
      'alert evaluation',
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    // Scan requests name rules the catalog must know (`serve` syncs it at start; here the test does).
    await syncBundledRuleCatalog(
      t.db,
      createLogger({ level: 'error', format: 'json', write: () => undefined }),
    );
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    const tls = await localhostTls();
    hook = await httpsReceiver(tls);
    slack = await httpsReceiver(tls);
    smtp = await smtpReceiver(tls, { user: 'ow', pass: 'mail-pass-e2e' });
    lab = await SshLab.create();
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'info', format: 'json', write: (l) => logs.push(l) }),
      concurrency: 4,
      pollIntervalMs: 200,
      notify: { allowPrivateNetworks: true, ca: [tls.cert] },
    });
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    const channels = await Promise.all(
      [
        { name: 'hook', type: 'webhook', secret: { url: hook.url, signing_secret: SECRET } },
        { name: 'slack', type: 'slack', secret: { url: slack.url } },
        {
          name: 'mail',
          type: 'email',
          config: {
            host: 'localhost',
            port: smtp.port,
            username: 'ow',
            from: 'ow@example.test',
            to: ['sec@example.test'],
          },
          secret: { password: 'mail-pass-e2e' },
        },
      ].map(async (c) => (await api<{ id: string }>('POST', '/api/v1/channels', c)).body.id),
    );
    const rule = await api<{ id: string }>('POST', '/api/v1/alert-rules', {
      name: 'Regression on e2e hosts',
      event_kind: 'rule.regressed',
      min_severity: 'high',
      host_tags: ['e2e'],
      channel_ids: channels,
    });
    ruleId = rule.body.id;
    for (const name of ['e2e-a', 'e2e-b']) {
      const hardened = await lab.startHost({ etc: { sshdConfig: HARDENED } });
      const weak = await lab.startHost({ etc: { sshdConfig: WEAK } });
      const h = await api<{ id: string }>('POST', '/api/v1/hosts', {
        hostname: name,
        address: hardened.address,
        port: hardened.port,
        tags: ['e2e'],
        credential_id: cred.body.id,
        host_key_policy: 'tofu',
      });
      expect(h.status).toBe(201);
      hosts.push({ id: h.body.id, hardened, weak });
    }
  }, 120_000);
  afterAll(async () => {
    await runner?.stop(5_000);
    await lab?.cleanup();
    await Promise.all([hook, slack, smtp].map((r) => r?.close()));
    await t?.drop();
  });

  it('one regression alert per host, delivered to all three channels; repeated scans add none; recovery resolves', async () => {
    await scanAll();
    await evaluated();
    expect(await mine()).toEqual([]);

    await pointAt('weak');
    await scanAll();
    await evaluated();
    const fired = await mine();
    expect(fired.map((a) => [a.host?.id, a.rule_id, a.state, a.occurrences]).sort()).toEqual(
      hosts.map((h) => [h.id, 'sshd_disable_root_login', 'active', 1]).sort(),
    );
    await waitFor(
      async () =>
        hook.received.length >= 2 && slack.received.length >= 2 && smtp.mails.length >= 2 ? true : undefined,
      30_000,
      'deliveries on three channels',
    );
    expect(hook.received.every((r) => verifyWebhook(r, SECRET))).toBe(true);
    const hookAlerts = hook.received
      .map((r) => (JSON.parse(r.body) as { alert: { id: string } }).alert.id)
      .sort();
    expect(hookAlerts).toEqual(fired.map((a) => a.id).sort());
    expect(smtp.mails.map((m) => m.raw).join('\n')).toMatch(/sshd_disable_root_login/);

    // The hosts stay weak: the same verdicts record no transaction, so no event and no new alert.
    await scanAll();
    await evaluated();
    expect((await mine()).map((a) => [a.id, a.occurrences]).sort()).toEqual(
      fired.map((a) => [a.id, 1]).sort(),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect([hook.received.length, slack.received.length, smtp.mails.length]).toEqual([2, 2, 2]);

    await pointAt('hardened');
    await scanAll();
    await evaluated();
    expect((await mine()).map((a) => a.state)).toEqual(['resolved', 'resolved']);
    await waitFor(async () => (hook.received.length >= 4 ? true : undefined), 30_000, 'resolution webhooks');
    const types = hook.received.slice(2).map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types).toEqual(['alert.resolved', 'alert.resolved']);
    const log = await waitFor(
      async () => {
        const r = await api<{ items: { purpose: string; ok: boolean }[] }>(
          'GET',
          `/api/v1/alerts/${fired[0]?.id}/deliveries`,
        );
        return r.body.items.length >= 6 ? r.body.items : undefined;
      },
      30_000,
      'the delivery log',
    );
    expect(log.map((d) => [d.purpose, d.ok]).sort()).toEqual([
      ['fired', true],
      ['fired', true],
      ['fired', true],
      ['resolved', true],
      ['resolved', true],
      ['resolved', true],
    ]);
  }, 300_000);

  it('a host whose sshd stops raises "Host unreachable" within two liveness periods', async () => {
    const jobKey = await app.identity.jobKey();
    const check = async (hostId: string) => {
      const job = await requestLiveness(t.db, jobKey, hostId);
      if (!job) throw new Error('a liveness job is already queued');
      await waitFor(
        async () => ((await getJob(t.db, job.id))?.state === 'succeeded' ? true : undefined),
        30_000,
        'the liveness check',
      );
    };
    const target = hosts[0];
    if (!target) throw new Error('no host');
    await check(target.id);
    await target.hardened.stop();
    const unreachable = async () => {
      await evaluated();
      const all = (await api<{ items: Alert[] }>('GET', '/api/v1/alerts?open=true')).body.items;
      return all.filter((a) => a.alert_rule.name === 'Host unreachable' && a.host?.id === target.id);
    };
    await check(target.id); // one "down" observation: hysteresis holds the state
    expect(await unreachable()).toEqual([]);
    await check(target.id); // the second in a row: down
    expect((await unreachable()).map((a) => a.state)).toEqual(['active']);
  }, 120_000);
});
