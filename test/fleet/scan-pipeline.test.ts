import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

interface Scan {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
  counts: { total: number; pass: number; fail: number } | null;
}

const HARDENED = 'PermitRootLogin no\nX11Forwarding no\nMaxAuthTries 4\n';
const LAX = 'PermitRootLogin yes\nX11Forwarding yes\nMaxAuthTries 10\n';

describe('scan pipeline: API → queue → runner → real sshd → results, posture and drift', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let lax: SshdHost;
  let hardened: SshdHost;
  let runner: JobLoop;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    lab = await SshLab.create();
    lax = await lab.startHost({ etc: { sshdConfig: LAX } });
    hardened = await lab.startHost({ etc: { sshdConfig: HARDENED } });
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'info', format: 'json', write: (l) => logs.push(l) }),
      concurrency: 2,
      pollIntervalMs: 200,
    });
  }, 120_000);
  afterAll(async () => {
    await runner?.stop(5_000);
    await lab?.cleanup();
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await app.call(method, path, {
      token,
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const finished = (id: string) =>
    waitFor(
      async () => {
        const { body } = await api<Scan>('GET', `/api/v1/scans/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      60_000,
      `scan ${id} to finish`,
    );

  it('scans a host, records drift after its sshd config changes, and answers posture at a past time', async () => {
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    expect(cred.status).toBe(201);
    const host = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'web-1',
      address: lax.address,
      port: lax.port,
      credential_id: cred.body.id,
      host_key_policy: 'tofu',
    });
    expect(host.status).toBe(201);
    const hostId = host.body.id;

    const first = await api<Scan>(
      'POST',
      `/api/v1/hosts/${hostId}/scans`,
      {},
      { 'idempotency-key': 'first-scan' },
    );
    expect(first.status).toBe(202);
    const again = await api<Scan>(
      'POST',
      `/api/v1/hosts/${hostId}/scans`,
      {},
      { 'idempotency-key': 'first-scan' },
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const busy = await api<{ error: { code: string } }>('POST', `/api/v1/hosts/${hostId}/scans`, {});
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('scan_in_progress');

    const done1 = await finished(first.body.id);
    expect(done1).toMatchObject({ status: 'completed', error: null });
    expect(done1.counts?.total).toBeGreaterThan(300);
    const results1 = await api<{ results: Array<{ rule_id: string; status: string; evidence: unknown[] }> }>(
      'GET',
      `/api/v1/scans/${first.body.id}/results`,
    );
    const root1 = results1.body.results.find((r) => r.rule_id === 'sshd_disable_root_login');
    expect(root1?.status).toBe('fail');
    expect(root1?.evidence.length).toBeGreaterThan(0);
    const keys = await api<{ items: Array<{ status: string; fingerprint: string }> }>(
      'GET',
      `/api/v1/hosts/${hostId}/host-keys`,
    );
    expect(keys.body.items).toEqual([
      expect.objectContaining({ status: 'pinned', fingerprint: lax.hostKeyFingerprint }),
    ]);
    const posture1 = await api<{ score: number | null }>('GET', `/api/v1/posture?host_id=${hostId}`);
    expect(posture1.body.score).toEqual(expect.any(Number));
    const between = new Date().toISOString();

    // The host is hardened: same host key, new sshd configuration.
    await new Promise((r) => setTimeout(r, 20));
    expect((await api('PATCH', `/api/v1/hosts/${hostId}`, { port: hardened.port })).status).toBe(200);
    const second = await api<Scan>('POST', `/api/v1/hosts/${hostId}/scans`, {});
    expect(second.status).toBe(202);
    expect(await finished(second.body.id)).toMatchObject({ status: 'completed' });
    const results2 = await api<{ results: Array<{ rule_id: string; status: string }> }>(
      'GET',
      `/api/v1/scans/${second.body.id}/results`,
    );

    const before = new Map(results1.body.results.map((r) => [r.rule_id, r.status]));
    const movedFromOrToFail = results2.body.results
      .filter(
        (r) =>
          before.get(r.rule_id) !== r.status && (r.status === 'fail' || before.get(r.rule_id) === 'fail'),
      )
      .map((r) => r.rule_id)
      .sort();
    expect(movedFromOrToFail).toEqual(
      expect.arrayContaining(['sshd_disable_root_login', 'sshd_disable_x11_forwarding']),
    );
    const changes = await api<{
      items: Array<{ rule: { id: string }; scan_id: string; previous_status: string; status: string }>;
    }>('GET', `/api/v1/changes?host_id=${hostId}&since=${encodeURIComponent(between)}`);
    expect(changes.body.items.map((c) => c.rule.id).sort()).toEqual(movedFromOrToFail);
    expect(changes.body.items.every((c) => c.scan_id === second.body.id)).toBe(true);

    const then = await api<{ score: number }>(
      'GET',
      `/api/v1/posture?host_id=${hostId}&at=${encodeURIComponent(between)}`,
    );
    expect(then.body.score).toBe(posture1.body.score);
    const now = await api<{ score: number }>('GET', `/api/v1/posture?host_id=${hostId}`);
    expect(now.body.score).toBeGreaterThan(posture1.body.score ?? 1);
  }, 180_000);

  it('stops a scan before any command when the host key changed, and records it for approval', async () => {
    const impostor = await lab.startHost({ hostKeys: [lab.keys.otherHostKeyPath] });
    const list = await api<{ items: Array<{ id: string }> }>('GET', '/api/v1/hosts?q=web-1');
    const hostId = list.body.items[0]?.id ?? '';
    expect((await api('PATCH', `/api/v1/hosts/${hostId}`, { port: impostor.port })).status).toBe(200);
    const scan = await api<Scan>('POST', `/api/v1/hosts/${hostId}/scans`, {});
    const done = await finished(scan.body.id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('host_key_mismatch');
    expect(done.error?.message).toContain(lax.hostKeyFingerprint);
    // The impostor never saw an authentication, let alone a command.
    expect(impostor.log()).not.toMatch(/Accepted (publickey|password)/);
    const keys = await api<{ items: Array<{ status: string; fingerprint: string }> }>(
      'GET',
      `/api/v1/hosts/${hostId}/host-keys`,
    );
    expect(keys.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'pinned', fingerprint: lax.hostKeyFingerprint }),
        expect.objectContaining({ status: 'pending', fingerprint: impostor.hostKeyFingerprint }),
      ]),
    );
    const audit = await api<{ items: Array<{ code: string }> }>(
      'GET',
      '/api/v1/audit/events?code=host_key.mismatch',
    );
    expect(audit.body.items.length).toBeGreaterThan(0);
  }, 120_000);
});
