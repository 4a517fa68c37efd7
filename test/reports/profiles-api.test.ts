import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { loadBundledRules } from '../../core/node/bundled-rules.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { parseProfileText, ProfileSchema, type Rule } from '../../engine/index.ts';
import { dbHostKeyStore } from '../../runner/host-keys.ts';
import { scanJobHandler } from '../../runner/scan-job.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { SshLab } from '../helpers/sshd.ts';

const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });

async function profileRules(id: string): Promise<string[]> {
  const file = join(BUNDLED_RULES_DIR, 'profiles', `${id}.yml`);
  return parseProfileText(ProfileSchema, file, await readFile(file, 'utf8')).rules;
}

/**
 * Profiles through the API on real PostgreSQL, and a real sshd host scanned by the runner's own scan
 * handler: the effective profile decides the scan's rules and the score's scope.
 */
describe('profiles: API, assignment, scans and scores against the effective profile', () => {
  let t: TestDatabase;
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let lab: SshLab;
  let rules: readonly Rule[];

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await syncBundledRuleCatalog(t.db, quiet);
    await seedUser(t.db, 'prof_admin', ['admin']);
    await seedUser(t.db, 'prof_viewer', ['viewer']);
    admin = (await loginAs(app, 'prof_admin')).access_token;
    viewer = (await loginAs(app, 'prof_viewer')).access_token;
    rules = (await loadBundledRules()).rules;
    lab = await SshLab.create();
  }, 120_000);
  afterAll(async () => {
    await lab?.cleanup();
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown, token = admin) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  async function newHost(name: string, address = '192.0.2.10', port = 22, credentialId?: string) {
    const res = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: name,
      address,
      port,
      ...(credentialId ? { credential_id: credentialId } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  const effective = async (hostId: string) =>
    (
      await api<{ assigned: string | null; effective: { profile_id: string | null; source: string | null } }>(
        'GET',
        `/api/v1/hosts/${hostId}/profile`,
      )
    ).body;

  it('lists the bundled profiles with their benchmark and rule count, and shows one with its rules', async () => {
    const list = await api<{ items: { id: string; title: string; benchmark: string; rule_count: number }[] }>(
      'GET',
      '/api/v1/profiles',
      undefined,
      viewer,
    );
    expect(list.status).toBe(200);
    const cis = list.body.items.find((p) => p.id === 'cis_debian12_l1_server');
    const want = await profileRules('cis_debian12_l1_server');
    expect(cis).toEqual({
      id: 'cis_debian12_l1_server',
      title: 'CIS Debian Linux 12 Benchmark, Level 1 Server',
      benchmark: 'CIS Debian Linux 12 Benchmark',
      rule_count: want.length,
    });
    expect(list.body.items.map((p) => p.id)).toContain('stig_rhel9');

    const one = await api<{ rules: { rule_id: string; title: string | null }[]; default_for: unknown[] }>(
      'GET',
      '/api/v1/profiles/cis_debian12_l1_server',
      undefined,
      viewer,
    );
    expect(one.status).toBe(200);
    expect(one.body.rules.map((r) => r.rule_id)).toEqual([...want].sort());
    expect(one.body.rules.every((r) => r.title !== null)).toBe(true);
    expect(one.body.default_for).toEqual([{ family: 'debian', min_version: '12', max_version: '12' }]);
    expect((await api('GET', '/api/v1/profiles/no_such_profile')).status).toBe(404);
    expect((await api('GET', '/api/v1/profiles/Bad-Id')).status).toBe(400);
  });

  it('resolves host > group > OS default > none, with permissions and audit events', async () => {
    const host = await newHost('prof-chain');
    expect(await effective(host)).toEqual({ assigned: null, effective: { profile_id: null, source: null } });

    // OS default: the bundled default_for until the setting is written.
    await t.db.query(`update hosts set os_family = 'debian', os_version = '12' where id = $1`, [host]);
    expect((await effective(host)).effective).toEqual({
      profile_id: 'cis_debian12_l1_server',
      source: 'os_default',
    });
    const defaults = await api<{ bundled: boolean; items: unknown[] }>(
      'GET',
      '/api/v1/settings/profile-defaults',
    );
    expect(defaults.body.bundled).toBe(true);
    expect(defaults.body.items).toContainEqual({
      family: 'debian',
      version: '12',
      profile_id: 'cis_debian12_l1_server',
    });

    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'prof-group' });
    await api('POST', `/api/v1/groups/${group.body.id}/hosts/${host}`);
    expect(
      (await api('PUT', `/api/v1/groups/${group.body.id}/profile`, { profile_id: 'pci_dss_4' })).status,
    ).toBe(200);
    expect((await effective(host)).effective).toEqual({ profile_id: 'pci_dss_4', source: 'group' });

    // Refusals: a viewer may not assign, an unknown profile is named, an unknown host is 404.
    expect(
      (await api('PUT', `/api/v1/hosts/${host}/profile`, { profile_id: 'stig_rhel9' }, viewer)).status,
    ).toBe(403);
    const unknown = await api<{ error: { code: string } }>('PUT', `/api/v1/hosts/${host}/profile`, {
      profile_id: 'cis_nowhere',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_profile');
    expect(
      (
        await api('PUT', `/api/v1/hosts/00000000-0000-4000-8000-000000000000/profile`, {
          profile_id: 'stig_rhel9',
        })
      ).status,
    ).toBe(404);
    expect((await effective(host)).effective.source).toBe('group');

    const put = await api('PUT', `/api/v1/hosts/${host}/profile`, { profile_id: 'stig_rhel9' });
    expect(put.body).toEqual({
      assigned: 'stig_rhel9',
      effective: { profile_id: 'stig_rhel9', source: 'host' },
    });
    expect((await api('DELETE', `/api/v1/hosts/${host}/profile`)).body).toMatchObject({
      assigned: null,
      effective: { profile_id: 'pci_dss_4', source: 'group' },
    });
    await api('DELETE', `/api/v1/groups/${group.body.id}/profile`);
    expect((await effective(host)).effective.source).toBe('os_default');

    // An empty OS-default list: hosts without an assignment run every rule.
    const cleared = await api<{ bundled: boolean; items: unknown[] }>(
      'PUT',
      '/api/v1/settings/profile-defaults',
      { items: [] },
    );
    expect(cleared.body).toEqual({ bundled: false, items: [] });
    expect((await effective(host)).effective).toEqual({ profile_id: null, source: null });
    await api('PUT', '/api/v1/settings/profile-defaults', {
      items: [{ family: 'debian', version: '12', profile_id: 'openwatch_baseline' }],
    });
    expect((await effective(host)).effective).toEqual({
      profile_id: 'openwatch_baseline',
      source: 'os_default',
    });

    const { rows } = await t.db.query<{ code: string; target_type: string; details: { profile_id: string } }>(
      `select code, target_type, details from audit_events where code like 'profile.%' order by id`,
    );
    expect(rows.map((r) => [r.code, r.target_type, r.details.profile_id])).toEqual([
      ['profile.assigned', 'host_group', 'pci_dss_4'],
      ['profile.assigned', 'host', 'stig_rhel9'],
      ['profile.unassigned', 'host', 'stig_rhel9'],
      ['profile.unassigned', 'host_group', 'pci_dss_4'],
    ]);
  });

  it("a real host's next scan runs exactly its profile's rules, and its score counts only those", async () => {
    const sshd = await lab.startHost();
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'prof-cred',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    const host = await newHost('prof-scan', sshd.address, sshd.port, cred.body.id);
    const handler = scanJobHandler({
      db: t.db,
      allowLocalTransport: false,
      keyring: () => app.identity.keyring(),
      rules: async () => rules,
      hostKeys: dbHostKeyStore(t.db, quiet),
      log: quiet,
      connectTimeoutMs: 5_000,
      scanTimeoutMs: 30_000,
      traversal: 'skip',
    });
    const scan = async (body: unknown) => {
      const s = await api<{ id: string }>('POST', `/api/v1/hosts/${host}/scans`, body);
      expect(s.status, JSON.stringify(s.body)).toBe(202);
      const job = {
        id: '0',
        kind: 'scan',
        payload: { scan_id: s.body.id, host_id: host },
        attempts: 1,
        maxAttempts: 1,
      };
      await handler(job, new AbortController().signal);
      await t.db.query(
        `update jobs set state = 'cancelled' where id = (select job_id from scans where id = $1)`,
        [s.body.id],
      );
      const { rows } = await t.db.query<{ rule_id: string; status: string }>(
        'select rule_id, status from scan_results where scan_id = $1 order by rule_id',
        [s.body.id],
      );
      const meta = await t.db.query<{ profile_id: string | null; status: string }>(
        'select profile_id, status from scans where id = $1',
        [s.body.id],
      );
      return { results: rows, scan: meta.rows[0] };
    };

    // Rules outside the profile first (an explicit selection), so the host's state holds both kinds.
    const baseline = await profileRules('openwatch_baseline');
    const outside = rules
      .map((r) => r.id)
      .filter((id) => !baseline.includes(id))
      .slice(0, 20);
    const first = await scan({ rule_ids: outside });
    expect(first.scan).toEqual({ profile_id: null, status: 'completed' });
    expect(first.results.map((r) => r.rule_id)).toEqual([...outside].sort());

    expect(
      (await api('PUT', `/api/v1/hosts/${host}/profile`, { profile_id: 'openwatch_baseline' })).status,
    ).toBe(200);
    const second = await scan({});
    expect(second.scan).toEqual({ profile_id: 'openwatch_baseline', status: 'completed' });
    expect(second.results.map((r) => r.rule_id)).toEqual([...baseline].sort());

    const count = (st: string) => second.results.filter((r) => r.status === st).length;
    const posture = await api<{
      counts: { pass: number; fail: number };
      score: number | null;
      profiles: { profile_id: string | null; source: string | null; hosts: number }[];
    }>('GET', `/api/v1/posture?host_id=${host}`);
    expect(posture.body.counts.pass).toBe(count('pass'));
    expect(posture.body.counts.fail).toBe(count('fail'));
    expect(posture.body.profiles).toEqual([{ profile_id: 'openwatch_baseline', source: 'host', hosts: 1 }]);
    const state = await t.db.query<{ n: number }>(
      'select count(*)::int as n from host_rule_state where host_id = $1',
      [host],
    );
    expect(state.rows[0]?.n).toBe(outside.length + baseline.length); // the older verdicts stay, unscored

    // Without the profile, the same state scores every verdict again.
    await api('PUT', '/api/v1/settings/profile-defaults', { items: [] });
    await api('DELETE', `/api/v1/hosts/${host}/profile`);
    const all = await api<{ counts: { pass: number; fail: number } }>(
      'GET',
      `/api/v1/posture?host_id=${host}`,
    );
    const both = [...first.results, ...second.results];
    expect(all.body.counts.pass + all.body.counts.fail).toBe(
      both.filter((r) => r.status === 'pass' || r.status === 'fail').length,
    );
  }, 120_000);
});
