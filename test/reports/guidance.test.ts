import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from '../results/fixtures.ts';

const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

interface Guided {
  rule_id: string;
  status: string;
  remediation: string | null;
  shell_fix: string | null;
}

describe('remediation guidance through the API', () => {
  let t: TestDatabase;
  let a: TestApp;
  let token: string;
  let hostId: string;
  let scanId: string;
  const get = async <T>(path: string) => {
    const res = await a.call('GET', path, { token });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    await syncBundledRuleCatalog(t.db, log);
    await seedUser(t.db, 'guidance_viewer', ['viewer']);
    token = (await loginAs(a, 'guidance_viewer')).access_token;
    hostId = await seedHost(t.db, 'guided.example.test');
    scanId = await newScan(t.db, hostId);
    await applyScanResults(t.db, {
      scanId,
      hostId,
      report: {
        results: [
          result('sysctl_fs_protected_fifos', 'fail', '0'),
          result('sshd_set_loglevel_info', 'fail', 'VERBOSE'),
          result('sshd_disable_root_login', 'pass', 'no'),
        ],
        timing: { started_at: new Date().toISOString() },
      },
      completedAt: new Date(),
    });
  }, 120_000);
  afterAll(async () => t.drop());

  it('GET /rules/{id}: description, rationale, remediation, references, check summary, variables', async () => {
    const { status, body } = await get<Record<string, unknown>>('/api/v1/rules/sshd_set_loglevel_info');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'sshd_set_loglevel_info',
      severity: 'low',
      references: { cac: ['sshd_set_loglevel_info'] },
      variables: {},
      shell_fix: null, // sshd keeps the first value it reads: where to write it needs a person
      fleet: { pass: 0, fail: 1, error: 0, not_applicable: 0, not_assessable: 0 },
    });
    expect(body.description).toContain('LogLevel to INFO');
    expect(body.rationale).toContain('incidents cannot be reconstructed');
    expect(body.remediation).toContain('LogLevel INFO');
    expect(body.check_summary).toBe(
      'all of:\n  sshd_config explicit={sshd_explicit} key=loglevel value=INFO\n  sshd_config explicit={sshd_explicit} key=loglevel value=INFO source=config',
    );

    const withVars = await get<{ variables: Record<string, { default: unknown }>; check_summary: string }>(
      '/api/v1/rules/account_disable_post_pw_expiration',
    );
    expect(withVars.body.variables.account_inactive_days?.default).toBe(45);
    expect(withVars.body.check_summary).toContain('value={account_inactive_days}');

    const missing = await a.call('GET', '/api/v1/rules/no_such_rule', { token });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'GET /api/v1/rules',
    );
    expect((await a.call('GET', '/api/v1/rules/Bad;Id', { token })).status).toBe(400);
  });

  it('a sysctl rule carries a quoted shell fix; OpenWatch only shows it', async () => {
    const { body } = await get<{ shell_fix: string }>('/api/v1/rules/sysctl_fs_protected_fifos');
    expect(body.shell_fix).toBe(
      "printf '%s\\n' 'fs.protected_fifos = 2' >> /etc/sysctl.d/99-openwatch.conf\nsysctl -w fs.protected_fifos=2",
    );
  });

  it('host and scan results carry the fix on failures only', async () => {
    const host = await get<{ items: Guided[] }>(`/api/v1/hosts/${hostId}/results`);
    const scan = await get<{ results: Guided[] }>(`/api/v1/scans/${scanId}/results`);
    for (const items of [host.body.items, scan.body.results]) {
      const by = new Map(items.map((i) => [i.rule_id, i]));
      expect(by.get('sysctl_fs_protected_fifos')?.remediation).toContain('fs.protected_fifos = 2');
      expect(by.get('sysctl_fs_protected_fifos')?.shell_fix).toContain('sysctl -w fs.protected_fifos=2');
      expect(by.get('sshd_set_loglevel_info')?.remediation).toContain('LogLevel INFO');
      expect(by.get('sshd_set_loglevel_info')?.shell_fix).toBeNull();
      expect(by.get('sshd_disable_root_login')).toMatchObject({ remediation: null, shell_fix: null });
    }
  });
});
