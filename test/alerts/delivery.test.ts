import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitEvents } from '../../core/events/emit.ts';
import { createLogger } from '../../core/log.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { isPublicAddress, resolveDestination } from '../../runner/notify/address-guard.ts';
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
import { seedHost } from '../results/fixtures.ts';

interface Delivery {
  channel: { id: string; name: string };
  purpose: string;
  attempt: number;
  ok: boolean;
  detail: string;
}

const SECRET = 'a-webhook-signing-secret-of-32-chars-or-more';

describe('notification channels: real HTTPS and SMTP receivers, retries, isolation, SSRF guard', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let runner: JobLoop;
  let strictRunner: JobLoop | undefined;
  let flaky: HttpsReceiver;
  let slack: HttpsReceiver;
  let dead: HttpsReceiver;
  let smtp: SmtpReceiver;
  let tls: { cert: string; key: string };
  const logs: string[] = [];

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
  };
  const channel = async (body: unknown) => {
    const r = await api<{ id: string }>('POST', '/api/v1/channels', body);
    expect(r.status).toBe(201);
    return r.body.id;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    tls = await localhostTls();
    // Fails three times (500, 502, 503), then accepts.
    flaky = await httpsReceiver(tls, (n) => [500, 502, 503][n - 1] ?? 200);
    slack = await httpsReceiver(tls);
    dead = await httpsReceiver(tls, () => 500);
    smtp = await smtpReceiver(tls, { user: 'alerts', pass: 'smtp-password-1' });
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'info', format: 'json', write: (l) => logs.push(l) }),
      concurrency: 4,
      pollIntervalMs: 200,
      // The receivers are on loopback: this test allows private networks explicitly.
      notify: { allowPrivateNetworks: true, ca: [tls.cert], consoleUrl: 'https://openwatch.example' },
    });
  }, 60_000);
  afterAll(async () => {
    if (process.env.DEBUG_LOGS) console.log(logs.filter((l) => /warn|error/.test(l)).join('\n'));
    await runner?.stop(5_000);
    await strictRunner?.stop(5_000);
    await Promise.all([flaky, slack, dead, smtp].map((r) => r?.close()));
    await t?.drop();
  });

  it('judges addresses public or not, after resolving names', async () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])
      expect(isPublicAddress(ip), ip).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      'not-an-ip',
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
    const strict = { allowPrivateNetworks: false, ca: [] };
    await expect(resolveDestination('localhost', strict)).rejects.toThrow(
      /^localhost resolves to .*, which is a non-public address/,
    );
    await expect(resolveDestination('[::1]', strict)).rejects.toThrow(/non-public address/);
    await expect(resolveDestination('localhost', { ...strict, allowPrivateNetworks: true })).resolves.toEqual(
      expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) }),
    );
  });

  it('validates channels and never returns their secrets', async () => {
    const bad = await api<{ error: { code: string; details: { field: string }[] } }>(
      'POST',
      '/api/v1/channels',
      {
        name: 'plain http',
        type: 'webhook',
        secret: { url: 'http://example.com/hook', signing_secret: 'short' },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.field).sort()).toEqual([
      'body.secret.signing_secret',
      'body.secret.url',
    ]);
    const id = await channel({
      name: 'secret-check',
      type: 'webhook',
      secret: { url: `${slack.url}?token=abc`, signing_secret: SECRET },
      enabled: false,
    });
    const got = await api<Record<string, unknown>>('GET', `/api/v1/channels/${id}`);
    expect(JSON.stringify(got.body)).not.toMatch(/token=abc|localhost|signing|a-webhook/);
    const { rows } = await t.db.query<{ secret_enc: string }>(
      'select secret_enc from notification_channels where id = $1',
      [id],
    );
    expect(rows[0]?.secret_enc).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(rows[0]?.secret_enc).not.toContain('token');
    expect((await api('DELETE', `/api/v1/channels/${id}`)).status).toBe(204);
  });

  it('delivers an alert to webhook (signed; 4th try after 3 failures), Slack and SMTP; a dead channel fails alone', async () => {
    const webhook = await channel({
      name: 'hook',
      type: 'webhook',
      secret: { url: flaky.url, signing_secret: SECRET },
    });
    const slackId = await channel({ name: 'slack', type: 'slack', secret: { url: slack.url } });
    const deadId = await channel({
      name: 'dead',
      type: 'webhook',
      secret: { url: dead.url, signing_secret: SECRET },
    });
    const mail = await channel({
      name: 'mail',
      type: 'email',
      config: {
        host: 'localhost',
        port: smtp.port,
        security: 'starttls',
        username: 'alerts',
        from: 'openwatch@example.test',
        to: ['oncall@example.test'],
      },
      secret: { password: 'smtp-password-1' },
    });
    const rule = await api<{ id: string }>('POST', '/api/v1/alert-rules', {
      name: 'High <regressions>',
      event_kind: 'rule.regressed',
      min_severity: 'high',
      channel_ids: [webhook, slackId, deadId, mail],
    });
    expect(rule.status).toBe(201);
    const host = await seedHost(t.db, 'web-1');
    await t.db.transaction((tx) =>
      emitEvents(tx, [
        {
          kind: 'rule.regressed',
          hostId: host,
          ruleId: 'sshd_disable_root_login',
          severity: 'high',
          link: `/hosts/${host}`,
        },
      ]),
    );
    const alert = await waitFor(
      async () => {
        const r = await api<{ items: { id: string; alert_rule: { id: string } }[] }>('GET', '/api/v1/alerts');
        return r.body.items.find((a) => a.alert_rule.id === rule.body.id);
      },
      20_000,
      'the alert',
    );
    // Slack and SMTP get theirs at once, while the webhook is still being retried.
    await waitFor(
      async () => (slack.received.length > 0 && smtp.mails.length > 0 ? true : undefined),
      20_000,
      'slack and mail',
    );
    const slackBody = JSON.parse(slack.received[0]?.body ?? '{}') as {
      text: string;
      blocks: { text: { text: string } }[];
    };
    expect(slackBody.text).toBe('[OpenWatch] Alert: High <regressions> — web-1 — sshd_disable_root_login');
    expect(slackBody.blocks[0]?.text.text).toContain('High &lt;regressions&gt;');
    expect(slackBody.blocks[1]?.text.text).toContain(
      `<https://openwatch.example/hosts/${host}|Open in OpenWatch>`,
    );
    const m = smtp.mails[0];
    expect(m).toMatchObject({
      from: 'openwatch@example.test',
      to: ['oncall@example.test'],
      user: 'alerts',
      secure: true,
    });
    expect(m?.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(m?.raw).toMatch(/Content-Type: text\/plain/);
    expect(m?.raw).toMatch(/Content-Type: text\/html/);
    expect(m?.raw).toContain('High &lt;regressions&gt;');

    // Backoff 5 s, 10 s, 20 s: the fourth attempt lands ~35 s after the first.
    await waitFor(
      async () => (flaky.received.length >= 4 ? true : undefined),
      90_000,
      'the fourth webhook try',
    );
    expect(flaky.received).toHaveLength(4);
    expect(flaky.received.every((r) => verifyWebhook(r, SECRET))).toBe(true);
    expect(
      verifyWebhook(flaky.received[3] ?? { headers: {}, body: '' }, 'another-secret-another-secret-xx'),
    ).toBe(false);
    const tampered = { ...(flaky.received[3] ?? { headers: {}, body: '' }) };
    expect(verifyWebhook({ ...tampered, body: tampered.body.replace('high', 'low') }, SECRET)).toBe(false);
    const ids = new Set(flaky.received.map((r) => r.headers['x-openwatch-delivery']));
    expect(ids.size).toBe(1);
    const payload = JSON.parse(flaky.received[3]?.body ?? '{}') as {
      type: string;
      alert: { id: string; severity: string };
    };
    expect(payload).toMatchObject({ type: 'alert.fired', alert: { id: alert.id, severity: 'high' } });

    const log = await waitFor(
      async () => {
        const r = await api<{ items: Delivery[] }>('GET', `/api/v1/alerts/${alert.id}/deliveries`);
        return r.body.items.filter((d) => d.channel.name === 'hook').length === 4 ? r.body.items : undefined;
      },
      10_000,
      'the delivery log',
    );
    const of = (name: string) => log.filter((d) => d.channel.name === name).map((d) => [d.attempt, d.ok]);
    expect(of('hook')).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(of('slack')).toEqual([[1, true]]);
    expect(of('mail')).toEqual([[1, true]]);
    expect(of('dead').every(([, ok]) => ok === false)).toBe(true);
    expect(log.find((d) => d.channel.name === 'hook' && !d.ok)?.detail).toBe('HTTP 500: ok');
  }, 150_000);

  it('"send test" queues a test message; a private destination is refused unless the operator allows it', async () => {
    const receiver = await httpsReceiver(tls);
    try {
      const id = await channel({
        name: 'private',
        type: 'webhook',
        secret: { url: receiver.url.replace('localhost', '127.0.0.1'), signing_secret: SECRET },
      });
      // The permissive runner stops; a runner with the default policy takes over.
      await runner.stop(5_000);
      strictRunner = await startRunner({
        db: t.db,
        dsn: t.dsn,
        keys: app.identity,
        log: createLogger({ level: 'info', format: 'json', write: (l) => logs.push(l) }),
        concurrency: 2,
        pollIntervalMs: 200,
        notify: { allowPrivateNetworks: false, ca: [tls.cert] },
      });
      expect((await api('POST', `/api/v1/channels/${id}/test`)).status).toBe(202);
      const refused = await waitFor(
        async () =>
          (await api<{ items: Delivery[] }>('GET', `/api/v1/channels/${id}/deliveries`)).body.items[0],
        20_000,
        'the refused delivery',
      );
      expect(refused).toMatchObject({ purpose: 'test', ok: false, attempt: 1 });
      expect(refused.detail).toMatch(/^127\.0\.0\.1 is a non-public address.*allow_private_networks/);
      // Refused for good: not retried.
      await new Promise((r) => setTimeout(r, 6_000));
      expect(
        (await api<{ items: Delivery[] }>('GET', `/api/v1/channels/${id}/deliveries`)).body.items,
      ).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
      const audit = await t.db.query(
        `select 1 from audit_events where code = 'channel.tested' and target_id = $1`,
        [id],
      );
      expect(audit.rowCount).toBe(1);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
