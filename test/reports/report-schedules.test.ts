import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { createLogger } from '../../core/log.ts';
import { importReportKeyPem } from '../../core/reports/key.ts';
import { verifySignedReport } from '../../core/reports/signing.ts';
import { runScheduled } from '../../functions/scheduled.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
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
import { tempDir } from '../helpers/tmp.ts';
import { seedHost } from '../results/fixtures.ts';

const SECRET = 'a-webhook-signing-secret-of-32-chars-or-more';
const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });

/** A due schedule becomes a signed snapshot delivered by a real runner to real SMTP and HTTPS receivers. */
describe('scheduled reports', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let runner: JobLoop;
  let smtp: SmtpReceiver;
  let hook: HttpsReceiver;
  let keyFile: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'sched_admin', ['admin']);
    token = (await loginAs(app, 'sched_admin')).access_token;
    keyFile = join(tempDir('ow-report-schedules'), 'report.key');
    expect((await runCli(['report', 'keygen', '-o', keyFile])).code).toBe(0);
    const tls = await localhostTls();
    smtp = await smtpReceiver(tls, { user: 'reports', pass: 'smtp-password-1' });
    hook = await httpsReceiver(tls);
    await upsertCatalog(
      t.db,
      [
        {
          rule_id: 'r1',
          title: 'Rule one',
          severity: 'high',
          category: 't',
          tags: [],
          refs: {},
          platforms: [],
        },
      ],
      'v1',
    );
    await seedHost(t.db, 'sched-a');
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: quiet,
      concurrency: 2,
      pollIntervalMs: 200,
      notify: { allowPrivateNetworks: true, ca: [tls.cert], consoleUrl: 'https://openwatch.example' },
    });
  }, 60_000);
  afterAll(async () => {
    await runner?.stop(5_000);
    await Promise.all([smtp, hook].map((r) => r?.close()));
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  it('runs a due schedule once: a snapshot e-mailed (signed report attached) and posted to a webhook', async () => {
    const mail = await api<{ id: string }>('POST', '/api/v1/channels', {
      name: 'reports mail',
      type: 'email',
      config: {
        host: 'localhost',
        port: smtp.port,
        security: 'starttls',
        username: 'reports',
        from: 'openwatch@example.test',
        to: ['auditors@example.test'],
      },
      secret: { password: 'smtp-password-1' },
    });
    const webhook = await api<{ id: string }>('POST', '/api/v1/channels', {
      name: 'reports hook',
      type: 'webhook',
      secret: { url: hook.url, signing_secret: SECRET },
    });
    expect([mail.status, webhook.status]).toEqual([201, 201]);

    const unknown = await api<{ error: { code: string } }>('POST', '/api/v1/report-schedules', {
      name: 'bad',
      kind: 'executive',
      every: 'weekly',
      channel_ids: ['00000000-0000-4000-8000-000000000000'],
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'unknown_channel']);

    const past = new Date(Date.now() - 60_000).toISOString();
    const made = await api<{ id: string; next_run_at: string }>('POST', '/api/v1/report-schedules', {
      name: 'weekly executive',
      kind: 'executive',
      every: 'weekly',
      channel_ids: [mail.body.id, webhook.body.id],
      first_run_at: past,
    });
    expect(made.status).toBe(201);
    const later = await api<{ id: string }>('POST', '/api/v1/report-schedules', {
      name: 'not yet due',
      kind: 'exception_register',
      every: 'daily',
    });
    expect(later.status).toBe(201);

    const key = await importReportKeyPem(readFileSync(keyFile, 'utf8'));
    const tick = () =>
      runScheduled(quiet, 'test', Date.now(), {
        db: t.db,
        jobKey: () => app.identity.jobKey(),
        reportKey: async () => key,
      });
    await tick();
    await tick(); // the schedule moved a week ahead: a second tick runs nothing

    const { rows } = await t.db.query<{ id: string; schedule_id: string; key_id: string | null }>(
      'select id::text as id, schedule_id::text as schedule_id, key_id from report_snapshots',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.schedule_id).toBe(made.body.id);
    expect(rows[0]?.key_id).toMatch(/^[0-9a-f]{16}$/);
    const schedules = await api<{
      items: { id: string; next_run_at: string; last_report_id: string | null }[];
    }>('GET', '/api/v1/report-schedules');
    const ran = schedules.body.items.find((s) => s.id === made.body.id);
    expect(ran?.last_report_id).toBe(rows[0]?.id);
    expect(Date.parse(ran?.next_run_at ?? '')).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    await waitFor(
      async () => (smtp.mails.length > 0 && hook.received.length > 0 ? true : undefined),
      20_000,
      'deliveries',
    );
    const raw = smtp.mails[0]?.raw ?? '';
    expect(smtp.mails[0]?.to).toEqual(['auditors@example.test']);
    // The title has a dash, so the subject is a MIME encoded word.
    const subject = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
    const decoded = subject.replace(/\r\n[ \t]/g, '').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) =>
      Buffer.from(
        q
          .replace(/_/g, ' ')
          .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8'),
    );
    expect(decoded).toContain('[OpenWatch] Report: Executive posture report');
    expect(raw).toMatch(/filename="?openwatch-executive-\d{4}-\d\d-\d\d\.html\.signed\.json"?/);
    expect(raw).toContain('https://openwatch.example/reports/');

    const delivered = hook.received[0];
    expect(delivered && verifyWebhook(delivered, SECRET)).toBe(true);
    const body = JSON.parse(delivered?.body ?? '{}') as {
      type: string;
      report: { id: string; data: { kind: string; executive: { posture: { hosts: { total: number } } } } };
    };
    expect(body.type).toBe('report');
    expect(body.report.id).toBe(rows[0]?.id);
    expect(body.report.data.executive.posture.hosts.total).toBe(1);

    // The stored signed file verifies (the one the e-mail attached).
    const signed = await t.db.query<{ signed_html: string }>('select signed_html from report_snapshots');
    const v = await verifySignedReport(signed.rows[0]?.signed_html ?? '', [key.rawPublicKey]);
    expect(v.ok).toBe(true);

    const deliveries = await t.db.query<{ purpose: string; ok: boolean }>(
      `select purpose, ok from alert_deliveries order by id`,
    );
    expect(deliveries.rows).toEqual([
      { purpose: 'report', ok: true },
      { purpose: 'report', ok: true },
    ]);

    expect((await api('DELETE', `/api/v1/report-schedules/${made.body.id}`)).status).toBe(204);
    expect((await api('DELETE', `/api/v1/report-schedules/${made.body.id}`)).status).toBe(404);
    // Its snapshot stays (only its schedule reference is cleared).
    const kept = await t.db.query('select 1 from report_snapshots where id = $1', [rows[0]?.id]);
    expect(kept.rows).toHaveLength(1);
  }, 60_000);
});
