import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalog } from '../../core/db/sql/rule-catalog.ts';
import { csvCell } from '../../engine/report/csv.ts';
import { oscalControlId } from '../../core/export/oscal.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { parseCsv } from '../../functions/fleet/csv.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { FINISHED, INJECTION, REPORT, STARTED } from './export-report.ts';
import { jsonSchema, oscalSchema } from './export-schemas.ts';
import { newScan, seedHost } from './fixtures.ts';

describe('scan export', () => {
  let t: TestDatabase;
  let a: TestApp;
  let operator: string;
  let viewer: string;
  let hostId: string;
  let scanId: string;
  const get = (path: string, token: string) => a.call('GET', path, { token });

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    await seedUser(t.db, 'export_operator', ['operator']);
    await seedUser(t.db, 'export_viewer', ['viewer']);
    operator = (await loginAs(a, 'export_operator')).access_token;
    viewer = (await loginAs(a, 'export_viewer')).access_token;
    await upsertCatalog(
      t.db,
      REPORT.filter((r) => r.rule_id !== 'zz_local_rule').map((r) => ({
        rule_id: r.rule_id,
        title: r.title,
        severity: r.severity,
        category: 'test',
        tags: [],
        refs: { ...r.references },
        platforms: [],
        remediation: `Fix ${r.rule_id}: set the keyword, then reload.`,
        shell_fix:
          r.rule_id === 'sshd_disable_root_login'
            ? "sed -i 's/^PermitRootLogin.*/PermitRootLogin no/'"
            : null,
      })),
      'v-test',
    );
    hostId = await seedHost(t.db, 'web-01.example.test');
    await t.db.query(
      `update hosts set os_family = 'debian', os_id = 'debian', os_version = '12',
              os_name = 'Debian GNU/Linux 12 (bookworm)', kernel = '6.1.0-27-amd64' where id = $1`,
      [hostId],
    );
    scanId = await newScan(t.db, hostId);
    await applyScanResults(t.db, {
      scanId,
      hostId,
      report: { results: REPORT, timing: { started_at: STARTED } },
      completedAt: FINISHED,
    });
  }, 60_000);
  afterAll(async () => t.drop());

  it('JSON: the documented shape, catalog titles and references, summary, attachment, audited', async () => {
    const res = await get(`/api/v1/scans/${scanId}/export?format=json`, operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="openwatch-web-01.example.test-${scanId.slice(0, 8)}-results.json"`,
    );
    const doc = jsonSchema.parse(await res.json());
    expect(doc.scan).toMatchObject({ id: scanId, started_at: STARTED, finished_at: FINISHED.toISOString() });
    expect(doc.host).toMatchObject({
      id: hostId,
      hostname: 'web-01.example.test',
      address: '192.0.2.1',
      os: { family: 'debian', version: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
      kernel: '6.1.0-27-amd64',
    });
    expect(doc.results.map((r) => r.rule_id)).toEqual(REPORT.map((r) => r.rule_id).sort());
    const root = doc.results.find((r) => r.rule_id === 'sshd_disable_root_login');
    expect(root).toEqual({
      ...REPORT[0],
      reason: null,
      remediation: 'Fix sshd_disable_root_login: set the keyword, then reload.',
      shell_fix: "sed -i 's/^PermitRootLogin.*/PermitRootLogin no/'",
    });
    // A passing rule has nothing to fix.
    expect(doc.results.find((r) => r.rule_id === 'sysctl_net_ipv4_ip_forward')).toMatchObject({
      remediation: null,
      shell_fix: null,
    });
    expect(doc.results.find((r) => r.rule_id === 'zz_local_rule')).toMatchObject({
      title: null,
      references: {},
    });
    expect(doc.summary).toEqual({
      total: 5,
      pass: 1,
      fail: 1,
      error: 1,
      not_applicable: 1,
      not_assessable: 1,
      score: 0.5,
    });
    const { rows } = await t.db.query<{ target_id: string; details: Record<string, unknown> }>(
      `select target_id, details from audit_events where code = 'report.exported' order by id`,
    );
    expect(rows.at(-1)).toEqual({
      target_id: scanId,
      details: { format: 'json', host_id: hostId, results: 5 },
    });
  });

  it('CSV: a header row, RFC 4180 quoting, formula cells neutralised', async () => {
    const res = await get(`/api/v1/scans/${scanId}/export?format=csv`, operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /filename="openwatch-web-01\.example\.test-.*\.csv"$/,
    );
    const text = await res.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parseCsv(text);
    if (!records) throw new Error('unparseable CSV');
    const [header, ...rows] = records.map((r) => r.cells);
    expect(header).toEqual([
      'hostname',
      'address',
      'scan_id',
      'finished_at',
      'rule_id',
      'title',
      'severity',
      'status',
      'reason',
      'references',
      'evidence',
      'remediation',
      'shell_fix',
    ]);
    expect(rows).toHaveLength(REPORT.length);
    for (const row of rows) expect(row).toHaveLength(13);
    const banner = rows.find((r) => r[4] === 'banner_etc_issue_cis') ?? [];
    expect(banner[8]).toBe('parse error: line 3, "bad, quoted"');
    expect(banner[10]).toBe(`/etc/issue:1: ${INJECTION} (expected -no os details\nand "quotes") — @note`);
    const local = rows.find((r) => r[4] === 'zz_local_rule') ?? [];
    expect(local[10]).toBe("'+cmd: <absent> (expected present ```fence```)");
    const root = rows.find((r) => r[4] === 'sshd_disable_root_login') ?? [];
    expect(root[9]).toBe('cis[debian12]:5.1.20; stig:UBTU-24-100010; nist_800_53:AC-6(2),IA-2');
    // Guidance rides on the failure only; the error row has nothing to fix.
    expect(root[11]).toBe('Fix sshd_disable_root_login: set the keyword, then reload.');
    expect(root[12]).toBe("sed -i 's/^PermitRootLogin.*/PermitRootLogin no/'");
    expect(banner[11]).toBe('');
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('csvCell quotes and neutralises exactly what it must', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=a,"b"')).toBe(`"'=a,""b"""`);
    expect(csvCell('')).toBe('');
  });

  it('OSCAL: assessment-results that satisfy the model, one finding per rule tied to its observation', async () => {
    const res = await get(`/api/v1/scans/${scanId}/export?format=oscal`, operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/-oscal-ar\.json"$/);
    const doc = oscalSchema.parse(await res.json())['assessment-results'];
    const result = doc.results[0];
    if (!result) throw new Error('no result');
    expect(result.start).toBe(STARTED);
    expect(result.end).toBe(FINISHED.toISOString());
    const findings = result.findings ?? [];
    const observations = result.observations ?? [];
    expect(findings).toHaveLength(REPORT.length);
    expect(observations).toHaveLength(REPORT.length);

    // Every uuid is distinct; the placeholder plan href points at a back-matter resource.
    const text = JSON.stringify(doc);
    const uuids = [...text.matchAll(/"(?:uuid|subject-uuid|observation-uuid)":"([^"]+)"/g)].map((m) => m[1]);
    const defined = [...text.matchAll(/"uuid":"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(defined).size).toBe(defined.length);
    for (const u of uuids) expect(defined).toContain(u);
    expect(doc['import-ap'].href).toBe(`#${doc['back-matter']?.resources[0]?.uuid ?? 'missing'}`);

    const state = Object.fromEntries(
      findings.map((f) => [
        f.target['target-id'],
        `${f.target.status.state}/${f.target.status.reason ?? ''}`,
      ]),
    );
    expect(state).toEqual({
      sshd_disable_root_login: 'not-satisfied/fail',
      sysctl_net_ipv4_ip_forward: 'satisfied/pass',
      banner_etc_issue_cis: 'not-satisfied/other',
      selinux_not_disabled: 'satisfied/other',
      zz_local_rule: 'not-satisfied/other',
    });
    const byUuid = new Map(observations.map((o) => [o.uuid, o]));
    const root = findings.find((f) => f.target['target-id'] === 'sshd_disable_root_login');
    expect(JSON.stringify(root)).toContain('Fix sshd_disable_root_login: set the keyword, then reload.');
    const obs = byUuid.get(root?.['related-observations']?.[0]?.['observation-uuid'] ?? '');
    expect(obs?.subjects?.[0]?.['subject-uuid']).toBe(
      result['local-definitions']['inventory-items'][0]?.uuid,
    );
    expect(obs?.['relevant-evidence']?.[0]?.props).toEqual(
      expect.arrayContaining([
        { name: 'evidence-source', ns: 'urn:openwatch:oscal', value: '/etc/ssh/sshd_config:33' },
        { name: 'evidence-observed', ns: 'urn:openwatch:oscal', value: 'PermitRootLogin yes' },
      ]),
    );
    // Multi-line host text stays in the Markdown description, fenced, and is one line in props.
    const banner = findings.find((f) => f.target['target-id'] === 'banner_etc_issue_cis');
    const bannerObs = byUuid.get(banner?.['related-observations']?.[0]?.['observation-uuid'] ?? '');
    expect(bannerObs?.['relevant-evidence']?.[0]?.description).toContain('-no os details\nand "quotes"');
    const na = byUuid.get(
      findings.find((f) => f.target['target-id'] === 'selinux_not_disabled')?.['related-observations']?.[0]?.[
        'observation-uuid'
      ] ?? '',
    );
    expect(na?.['relevant-evidence']).toBeUndefined();

    const controls = result['reviewed-controls']['control-selections'][0]?.['include-controls'];
    expect(controls?.map((c) => c['control-id'])).toEqual(['ac-3', 'ac-6.2', 'cm-6', 'ia-2', 'sc-5']);
    // A second export is a new document: fresh uuids.
    const again = oscalSchema.parse(
      await (await get(`/api/v1/scans/${scanId}/export?format=oscal`, operator)).json(),
    );
    expect(again['assessment-results'].uuid).not.toBe(doc.uuid);
  });

  it('maps NIST SP 800-53 references to OSCAL control ids', () => {
    expect(oscalControlId('AC-2(3)')).toBe('ac-2.3');
    expect(oscalControlId('IA-5(1)(a)')).toBe('ia-5.1');
    expect(oscalControlId('CM-6(a)')).toBe('cm-6');
    expect(oscalControlId('SC-7')).toBe('sc-7');
    expect(oscalControlId('8.2.6')).toBeUndefined();
  });

  it('404 for an unknown scan, 409 before completion, 403 without reports:export, 400 for a bad format', async () => {
    expect((await get(`/api/v1/scans/${crypto.randomUUID()}/export`, operator)).status).toBe(404);
    const running = await newScan(t.db, hostId);
    const res = await get(`/api/v1/scans/${running}/export?format=csv`, operator);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('scan_not_completed');
    expect((await get(`/api/v1/scans/${scanId}/export`, viewer)).status).toBe(403);
    expect((await get(`/api/v1/scans/${scanId}/export?format=xml`, operator)).status).toBe(400);
  });
});
