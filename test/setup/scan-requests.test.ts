import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLocalHostOnce } from '../../core/db/sql/local-host.ts';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe('scan requests name their mistakes; the local transport stays server-side (production mode)', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  let call: (method: string, path: string, body?: unknown) => Promise<Response>;
  let hostId: string;
  let groupId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = await startNodeServe({ dsn: t.dsn });
    await seedUser(t.db, 'ops_admin', ['admin']);
    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops_admin', password: STRONG }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    call = (method, path, body) =>
      api.fetch(path, {
        method,
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const host = await call('POST', '/api/v1/hosts', { hostname: 'web-1', address: '192.0.2.50' });
    hostId = ((await host.json()) as { id: string }).id;
    const group = await call('POST', '/api/v1/groups', { name: 'web' });
    groupId = ((await group.json()) as { id: string }).id;
    await call('PUT', `/api/v1/groups/${groupId}/hosts`, { host_ids: [hostId] });
    // serve loads the bundled rule catalog at start; the checks below read it.
    await waitFor(
      async () =>
        (await t.db.query('select 1 from rule_catalog limit 1')).rows.length > 0 ? true : undefined,
      30_000,
      'the rule catalog',
    );
  }, 90_000);
  afterAll(async () => {
    await api.stop();
    await t.drop();
  });

  const error = async (res: Response) => ((await res.json()) as ErrorBody).error;

  it('answers 422 for unknown rule ids and frameworks, host and group alike, and queues nothing', async () => {
    for (const path of [`/api/v1/hosts/${hostId}/scans`, `/api/v1/groups/${groupId}/scans`]) {
      const rule = await call('POST', path, { rule_ids: ['sshd_disable_root_login', 'no_such_rule'] });
      expect(rule.status).toBe(422);
      const e = await error(rule);
      expect(e.code).toBe('unknown_rule');
      expect(e.details).toEqual({ unknown_rule_ids: ['no_such_rule'] });
      expect(e.message).toContain('GET /api/v1/rules');

      const fw = await call('POST', path, { framework: 'hipaa' });
      expect(fw.status).toBe(422);
      expect(await error(fw)).toMatchObject({
        code: 'unknown_framework',
        details: { framework: 'hipaa', valid_frameworks: ['cis', 'stig', 'nist_800_53', 'pci_dss_4'] },
      });
    }
    expect((await t.db.query('select 1 from scans')).rows).toEqual([]);
    expect((await call('POST', `/api/v1/hosts/${hostId}/scans`, { rule_ids: ['Bad Id'] })).status).toBe(400);
  });

  it('narrows a scan to the framework’s rules, and refuses ids of which none cites it', async () => {
    const cited = await t.db.query<{ rule_id: string }>(
      `select rule_id from rule_catalog where refs ? 'stig' order by rule_id`,
    );
    expect(cited.rows.length).toBeGreaterThan(0);
    const res = await call('POST', `/api/v1/hosts/${hostId}/scans`, { framework: 'stig' });
    expect(res.status).toBe(202);
    const scan = (await res.json()) as { id: string; rule_ids: string[] };
    expect(scan.rule_ids).toEqual(cited.rows.map((r) => r.rule_id));
    const uncited = await t.db.query<{ rule_id: string }>(
      `select rule_id from rule_catalog where not refs ? 'stig' order by rule_id limit 1`,
    );
    const other = uncited.rows[0]?.rule_id ?? '';
    const none = await call('POST', `/api/v1/groups/${groupId}/scans`, {
      framework: 'stig',
      rule_ids: [other],
    });
    expect(none.status).toBe(422);
    expect(await error(none)).toMatchObject({
      code: 'no_matching_rule',
      details: { framework: 'stig', rule_ids: [other] },
    });
  });

  it('refuses transport in host requests and fails a local host’s scan where local transport is off', async () => {
    const created = await call('POST', '/api/v1/hosts', { hostname: 'sneaky', transport: 'local' });
    expect(created.status).toBe(400);
    expect((await error(created)).code).toBe('validation_error');
    expect((await call('PATCH', `/api/v1/hosts/${hostId}`, { transport: 'local' })).status).toBe(400);
    const ssh = (await (await call('GET', `/api/v1/hosts/${hostId}`)).json()) as { transport: string };
    expect(ssh.transport).toBe('ssh');

    const localId = await insertLocalHostOnce(t.db);
    if (localId === undefined) throw new Error('no local host inserted');
    expect(await insertLocalHostOnce(t.db)).toBeUndefined();
    expect((await call('PATCH', `/api/v1/hosts/${localId}`, { transport: 'ssh' })).status).toBe(400);
    const local = (await (await call('GET', `/api/v1/hosts/${localId}`)).json()) as { transport: string };
    expect(local.transport).toBe('local');

    const queued = await call('POST', `/api/v1/hosts/${localId}/scans`, {});
    expect(queued.status).toBe(202);
    const { id } = (await queued.json()) as { id: string };
    const failed = await waitFor(
      async () => {
        const s = (await (await call('GET', `/api/v1/scans/${id}`)).json()) as {
          status: string;
          error: { code: string; message: string } | null;
        };
        return s.status === 'failed' ? s : undefined;
      },
      30_000,
      'the local scan to fail',
    );
    expect(failed.error?.code).toBe('local_transport_disabled');
    expect(failed.error?.message).toContain('runner.allow_local_transport');
    const results = await t.db.query('select 1 from scan_results where scan_id = $1', [id]);
    expect(results.rows).toEqual([]);
  });
});
