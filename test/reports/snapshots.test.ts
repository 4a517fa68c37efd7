import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { importReportKeyPem } from '../../core/reports/key.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';
import { newScan, result, seedHost } from '../results/fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;

interface Snapshot {
  id: string;
  kind: string;
  scope: { type: string; id: string | null; name: string | null };
  period: { from: string; to: string } | null;
  signed_by: string | null;
  sha256: { json: string; html: string };
}

/** Report snapshots through the API on real PostgreSQL, signed with a real key and verified by the CLI. */
describe('report snapshots', () => {
  let t: TestDatabase;
  let signing: TestApp;
  let unsigned: TestApp;
  let creator: string;
  let viewer: string;
  let dir: string;
  let keyFile: string;
  let hostA: string;
  let group: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = tempDir('ow-snapshots-');
    keyFile = join(dir, 'report.key');
    expect((await runCli(['report', 'keygen', '-o', keyFile])).code).toBe(0);
    const key = await importReportKeyPem(readFileSync(keyFile, 'utf8'));
    signing = testApp(t.db, {}, undefined, { reportKey: async () => key });
    unsigned = testApp(t.db);
    await seedUser(t.db, 'rep_operator', ['operator']);
    await seedUser(t.db, 'rep_viewer', ['viewer']);
    creator = (await loginAs(signing, 'rep_operator')).access_token;
    viewer = (await loginAs(signing, 'rep_viewer')).access_token;

    const entry = (id: string, severity: string) => ({
      rule_id: id,
      title: `Title ${id}`,
      severity,
      category: 'test',
      tags: [],
      refs: {},
      platforms: [],
    });
    await upsertCatalog(t.db, [entry('r1', 'high'), entry('r2', 'low'), entry('r3', 'critical')], 'v1');
    hostA = await seedHost(t.db, 'rep-a');
    const hostB = await seedHost(t.db, 'rep-b');
    const { rows } = await t.db.query<{ id: string }>(
      `insert into host_groups (name) values ('rep-web') returning id::text as id`,
    );
    group = rows[0]?.id ?? '';
    await t.db.query('insert into host_group_members (group_id, host_id) values ($1, $2)', [group, hostA]);
    const apply = async (host: string, rs: ReturnType<typeof result>[], at: Date) => {
      const scanId = await newScan(t.db, host);
      await applyScanResults(t.db, { scanId, hostId: host, report: { results: rs }, completedAt: at });
      await t.db.query(
        `update scans set status = 'completed', finished_at = $2, pass = 1, fail = 1, error = 0,
                          not_applicable = 0, not_assessable = 0 where id = $1`,
        [scanId, at],
      );
    };
    await apply(hostA, [result('r1', 'pass'), result('r2', 'pass')], new Date(Date.now() - 5 * DAY));
    await apply(hostA, [result('r1', 'fail', 'bad-a'), result('r2', 'pass')], new Date(Date.now() - 2 * DAY));
    await apply(hostB, [result('r1', 'pass'), result('r3', 'fail', 'bad-b')], new Date(Date.now() - 1 * DAY));
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
  });

  const api = async <T>(app: TestApp, method: string, path: string, body?: unknown, token = creator) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as T,
    };
  };

  it('an executive report of the fleet is stored, signed, listed, and its download verifies offline', async () => {
    const made = await api<Snapshot>(signing, 'POST', '/api/v1/reports', {
      kind: 'executive',
      scope: 'fleet',
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.signed_by).toMatch(/^[0-9a-f]{16}$/);
    expect(made.body.period).not.toBeNull();

    const one = await api<
      Snapshot & { data: { executive: { posture: { counts: { pass: number; fail: number } } } } }
    >(signing, 'GET', `/api/v1/reports/${made.body.id}`, undefined, viewer);
    expect(one.body.data.executive.posture.counts).toMatchObject({ pass: 2, fail: 2 });
    const list = await api<{ items: Snapshot[] }>(signing, 'GET', '/api/v1/reports', undefined, viewer);
    expect(list.body.items.map((s) => s.id)).toContain(made.body.id);

    for (const format of ['html', 'json'] as const) {
      const dl = await api<unknown>(
        signing,
        'GET',
        `/api/v1/reports/${made.body.id}/download?format=${format}`,
      );
      expect(dl.status).toBe(200);
      const file = join(dir, `exec.${format}.signed.json`);
      writeFileSync(file, dl.text);
      const out = join(dir, `exec.${format}`);
      const ok = await runCli(['report', 'verify', file, '--public-key', `${keyFile}.pub`, '-o', out]);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain('verified: executive report');
      const content = readFileSync(out, 'utf8');
      if (format === 'html') {
        expect(content).toContain('<h1>Executive posture report — fleet</h1>');
        expect(content).toContain('<svg');
        expect(content).not.toMatch(/<script|src=|href=/);
      } else {
        expect(JSON.parse(content)).toMatchObject({ kind: 'executive', scope: { type: 'fleet' } });
      }
      // One altered byte and the CLI refuses it.
      const bytes = Buffer.from(dl.text);
      const i = Math.floor(bytes.length / 2);
      bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41;
      writeFileSync(file, bytes);
      const bad = await runCli(['report', 'verify', file]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('NOT VERIFIED');
    }
  });

  it('snapshots are immutable in the database', async () => {
    const made = await api<Snapshot>(signing, 'POST', '/api/v1/reports', { kind: 'exception_register' });
    await expect(
      t.db.query(`update report_snapshots set html = 'forged' where id = $1`, [made.body.id]),
    ).rejects.toThrow(/immutable/);
  });

  it('attestation of a group: the latest completed scan per member, with evidence', async () => {
    const made = await api<Snapshot>(signing, 'POST', '/api/v1/reports', {
      kind: 'attestation',
      scope: 'group',
      scope_id: group,
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.scope).toEqual({ type: 'group', id: group, name: 'rep-web' });
    const one = await api<{
      data: {
        attestation: {
          hosts: {
            hostname: string;
            results: { rule_id: string; status: string; evidence: { observed: string }[] }[];
          }[];
        };
      };
    }>(signing, 'GET', `/api/v1/reports/${made.body.id}`);
    const hosts = one.body.data.attestation.hosts;
    expect(hosts.map((h) => h.hostname)).toEqual(['rep-a']);
    expect(hosts[0]?.results.find((r) => r.rule_id === 'r1')).toMatchObject({
      status: 'fail',
      evidence: [{ observed: 'bad-a' }],
    });
  });

  it('a change report covers its period only; unsigned without a report key (hashes still given)', async () => {
    const from = new Date(Date.now() - 3 * DAY).toISOString();
    const made = await api<Snapshot>(unsigned, 'POST', '/api/v1/reports', {
      kind: 'change_report',
      scope: 'host',
      scope_id: hostA,
      from,
      to: new Date().toISOString(),
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.signed_by).toBeNull();
    const one = await api<{
      data: { change_report: { changes: { rule_id: string; from: string | null; to: string }[] } };
    }>(unsigned, 'GET', `/api/v1/reports/${made.body.id}`);
    // r1 pass → fail two days ago is in; the first scan's verdicts (five days ago) are not.
    expect(one.body.data.change_report.changes).toEqual([
      expect.objectContaining({ rule_id: 'r1', from: 'pass', to: 'fail' }),
    ]);
    const dl = await api<unknown>(unsigned, 'GET', `/api/v1/reports/${made.body.id}/download?format=html`);
    expect(dl.headers.get('content-type')).toContain('text/html');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(dl.text).digest('hex')).toBe(made.body.sha256.html);
    expect(dl.headers.get('x-content-sha256')).toBe(made.body.sha256.html);
  });

  it('refuses bad requests with a clear error, checks permissions and audits', async () => {
    const cases: [unknown, number, string][] = [
      [{ kind: 'executive', scope: 'host' }, 422, 'scope_id_required'],
      [{ kind: 'executive', scope: 'fleet', scope_id: hostA }, 422, 'scope_id_not_allowed'],
      [{ kind: 'attestation', from: new Date().toISOString() }, 422, 'period_not_applicable'],
      [
        {
          kind: 'change_report',
          from: new Date().toISOString(),
          to: new Date(Date.now() - DAY).toISOString(),
        },
        422,
        'bad_period',
      ],
      [
        { kind: 'executive', scope: 'group', scope_id: '00000000-0000-4000-8000-000000000000' },
        404,
        'not_found',
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await api<{ error: { code: string } }>(signing, 'POST', '/api/v1/reports', body);
      expect([r.status, r.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await api(signing, 'POST', '/api/v1/reports', { kind: 'nope' })).status).toBe(400);
    expect((await api(signing, 'POST', '/api/v1/reports', { kind: 'executive' }, viewer)).status).toBe(403);
    expect((await api(signing, 'GET', '/api/v1/reports/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );

    const { rows } = await t.db.query<{ code: string; n: number }>(
      `select code, count(*)::int as n from audit_events where code like 'report.%' group by code order by code`,
    );
    expect(rows).toEqual([
      { code: 'report.created', n: 4 },
      { code: 'report.downloaded', n: 3 },
    ]);
  });
});
