import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../engine/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { runCli } from '../scan/cli-run.ts';
import { findAll, parseXml, type XmlElement } from '../scan/xml-lite.ts';
import { createLogger } from '../../core/log.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { loginAs, seedUser, testApp } from '../helpers/auth.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { newScan, seedHost } from '../results/fixtures.ts';
import { oscalValidator } from './oscal-schema.ts';
import { CKL_ASSET, CKL_SI_DATA, CKL_VULN_ATTRIBUTES, CKLB_KEYS } from './stig-viewer-shape.ts';

let lab: SshLab;
let host: SshdHost;
let knownHosts: string;
let report: ScanReport;

const args = () => [
  'scan',
  `${lab.users.sudoNopasswd.name}@${host.address}${host.port === 22 ? '' : `:${host.port}`}`,
  '--key',
  lab.keys.clientKeyPath,
  '--known-hosts',
  knownHosts,
  '--traversal',
  'skip',
  '--sudo',
];

async function scanTo(format: string, ...extra: string[]): Promise<string> {
  const file = join(lab.dir, `report.${format}`);
  const r = await runCli([...args(), '--format', format, '--output', file, ...extra]);
  expect([0, 1], r.stderr).toContain(r.code);
  return file;
}

beforeAll(async () => {
  lab = await SshLab.create();
  host = await lab.startHost({
    netns: true,
    etc: {
      sshdConfig: 'PermitRootLogin yes\nMaxAuthTries 10\nX11Forwarding yes\nPermitEmptyPasswords yes\n',
      files: { '/etc/login.defs': 'PASS_MAX_DAYS 99999\nPASS_MIN_DAYS 0\nUMASK 022\n' },
    },
    sysctls: { 'net.ipv4.ip_forward': '1' },
  });
  knownHosts = join(lab.dir, 'known_hosts');
  writeFileSync(knownHosts, host.knownHostsLine() + '\n');
  report = JSON.parse(readFileSync(await scanTo('json'), 'utf8')) as ScanReport;
}, 180_000);
afterAll(async () => {
  await lab?.cleanup();
});

const children = (el: XmlElement | undefined) => (el?.children ?? []).map((c) => c.name);

describe.concurrent('a real scan in every auditor format', { timeout: 120_000 }, () => {
  it('text shows how to fix each failure; --explain adds what and why', async () => {
    const root = report.results.find((r) => r.rule_id === 'sshd_disable_root_login');
    expect(root).toMatchObject({ status: 'fail' });
    expect(root?.remediation).toContain('PermitRootLogin no');
    const text = readFileSync(await scanTo('text', '--explain'), 'utf8');
    const at = text.indexOf('sshd_disable_root_login');
    const block = text.slice(at, text.indexOf('\n  [', at + 1));
    expect(block).toContain('      fix:');
    expect(block).toContain('PermitRootLogin no');
    expect(block).toContain('      why:');
  });

  it('XCCDF 1.2 passes oscap xccdf validate, with ComplianceAsCode rule ids', async () => {
    const file = await scanTo('xccdf');
    const v = spawnSync('oscap', ['xccdf', 'validate', file], { encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const doc = parseXml(readFileSync(file, 'utf8'));
    const results = findAll(doc, 'rule-result');
    const root = results.find(
      (r) => r.attrs.idref === 'xccdf_org.ssgproject.content_rule_sshd_disable_root_login',
    );
    expect(root?.children.find((c) => c.name === 'result')?.text).toBe('fail');
    // Every applicable verdict is there: one rule-result per XCCDF rule id.
    expect(results.length).toBeGreaterThanOrEqual(report.results.length * 0.8);
    // A corrupted value is caught by the same validator: the test can fail.
    const bad = join(lab.dir, 'bad.xccdf');
    writeFileSync(
      bad,
      readFileSync(file, 'utf8').replace('<result>fail</result>', '<result>broken</result>'),
    );
    expect(spawnSync('oscap', ['xccdf', 'validate', bad]).status).not.toBe(0);
  });

  it('ARF 1.1 passes oscap ds rds-validate; its report is about the scanned asset', async () => {
    const file = await scanTo('arf');
    const v = spawnSync('oscap', ['ds', 'rds-validate', file], { encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const doc = parseXml(readFileSync(file, 'utf8'));
    expect(findAll(doc, 'ai:ip-v4')[0]?.text).toBe(host.address);
    expect(findAll(doc, 'core:relationship')[0]?.attrs.subject).toBe(findAll(doc, 'arf:report')[0]?.attrs.id);
    expect(findAll(doc, 'TestResult')).toHaveLength(1);
    const bad = join(lab.dir, 'bad.arf');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('<arf:assets>', '<arf:bogus/><arf:assets>'));
    expect(spawnSync('oscap', ['ds', 'rds-validate', bad]).status).not.toBe(0);
  });

  it('CKL is well-formed XML with the fields STIG Viewer 2 writes, in its order', async () => {
    const file = await scanTo('ckl', '--profile', 'stig_ubuntu2404');
    execFileSync('xmllint', ['--noout', file]);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[1]).toBe('<!--DISA STIG Viewer :: 2.17-->');
    const doc = parseXml(text.replace(/<!--[^>]*-->\n/, ''));
    expect(doc.name).toBe('CHECKLIST');
    expect(children(doc)).toEqual(['ASSET', 'STIGS']);
    expect(children(findAll(doc, 'ASSET')[0])).toEqual(CKL_ASSET);
    expect(findAll(doc, 'HOST_IP')[0]?.text).toBe(host.address);
    const istigs = findAll(doc, 'iSTIG');
    const stigIds = istigs.map(
      (i) => findAll(i, 'SI_DATA').find((d) => d.children[0]?.text === 'stigid')?.children[1]?.text,
    );
    expect(stigIds).toContain('CAN_Ubuntu_24-04_LTS_STIG');
    const istig = istigs[0];
    expect(findAll(istig ?? doc, 'SID_NAME').map((e) => e.text)).toEqual(CKL_SI_DATA);
    const vulns = findAll(doc, 'VULN');
    expect(vulns.length).toBeGreaterThan(10);
    const statusOf = new Map(report.results.map((r) => [r.rule_id, r.status]));
    const CKL = {
      pass: 'NotAFinding',
      fail: 'Open',
      not_applicable: 'Not_Applicable',
      error: 'Not_Reviewed',
      not_assessable: 'Not_Reviewed',
    };
    for (const v of vulns) {
      expect(findAll(v, 'VULN_ATTRIBUTE').map((e) => e.text)).toEqual(CKL_VULN_ATTRIBUTES);
      expect(children(v).slice(-5)).toEqual([
        'STATUS',
        'FINDING_DETAILS',
        'COMMENTS',
        'SEVERITY_OVERRIDE',
        'SEVERITY_JUSTIFICATION',
      ]);
      const attr = (k: string) =>
        findAll(v, 'STIG_DATA').find((d) => d.children[0]?.text === k)?.children[1]?.text;
      expect(attr('Rule_Ver')).toMatch(/^(UBTU-24|UBTU-20|RHEL-09)-\d+$/);
      expect(['low', 'medium', 'high']).toContain(attr('Severity'));
      const ruleStatus = statusOf.get(attr('Rule_ID') ?? '');
      expect(findAll(v, 'STATUS')[0]?.text).toBe(ruleStatus ? CKL[ruleStatus] : 'missing');
    }
    expect(vulns.some((v) => findAll(v, 'STATUS')[0]?.text === 'Open')).toBe(true);
  });

  it('CKLB is JSON with every field of STIG Viewer 3 checklists', async () => {
    const doc = JSON.parse(readFileSync(await scanTo('cklb', '--profile', 'stig_ubuntu2404'), 'utf8')) as {
      stigs: Array<Record<string, unknown> & { rules: Record<string, unknown>[] }>;
      target_data: Record<string, unknown>;
    };
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(CKLB_KEYS.top));
    expect(Object.keys(doc.target_data)).toEqual(expect.arrayContaining(CKLB_KEYS.target_data));
    expect(doc.target_data.ip_address).toBe(host.address);
    const stig = doc.stigs[0];
    expect(Object.keys(stig ?? {})).toEqual(expect.arrayContaining(CKLB_KEYS.stig));
    expect(stig?.rules.length).toBeGreaterThan(10);
    for (const r of stig?.rules ?? []) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(CKLB_KEYS.rule));
      expect(['not_a_finding', 'open', 'not_applicable', 'not_reviewed']).toContain(r.status);
    }
  });

  it('HTML is one self-contained file: a plot, failures with fixes, every result', async () => {
    const html = readFileSync(await scanTo('html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain('sshd_disable_root_login');
    expect(html).toContain('PermitRootLogin no');
    expect((html.match(/<tr>/g) ?? []).length).toBeGreaterThan(report.results.length);
  });

  it('refuses a checklist for an inventory (one asset per checklist)', async () => {
    const inv = join(lab.dir, 'inv.txt');
    writeFileSync(inv, `${host.address}\n`);
    const r = await runCli(['scan', '--inventory', inv, '--format', 'ckl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format ckl describes one host');
  });
});

describe('signed reports and PDF from the real scan', { timeout: 180_000 }, () => {
  it('prints the HTML report to a PDF with a table and a plot (pdftoppm renders it)', async () => {
    const html = await scanTo('html');
    const pdf = join(lab.dir, 'report.pdf');
    const r = await runCli(['report', 'pdf', html, '-o', pdf]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThan(1);
    // The text layer holds the tables' cells: the failing rule and its fix.
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('sshd_disable_root_login');
    expect(text).toContain('Failures and how to fix them');
    execFileSync('pdftoppm', ['-png', '-r', '50', '-singlefile', pdf, join(lab.dir, 'page')]);
    const png = readFileSync(join(lab.dir, 'page.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('signs a report; verify passes offline, and fails for any altered byte or an untrusted key', async () => {
    const key = join(lab.dir, 'report.key');
    expect((await runCli(['report', 'keygen', '-o', key])).code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const xccdf = await scanTo('xccdf');
    const signed = join(lab.dir, 'report.signed.json');
    expect(
      (await runCli(['report', 'sign', '--key', key, '--kind', 'host_attestation', xccdf, '-o', signed]))
        .code,
    ).toBe(0);
    const ok = await runCli([
      'report',
      'verify',
      signed,
      '--public-key',
      `${key}.pub`,
      '-o',
      join(lab.dir, 'out.xml'),
    ]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('verified: host_attestation report report.xccdf');
    expect(readFileSync(join(lab.dir, 'out.xml'))).toEqual(readFileSync(xccdf));

    const other = join(lab.dir, 'other.key');
    await runCli(['report', 'keygen', '-o', other]);
    const untrusted = await runCli(['report', 'verify', signed, '--public-key', `${other}.pub`]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('not a trusted report key');

    // One altered byte anywhere — in the content, the hash, the metadata, the signature, even the
    // layout — and verification fails.
    const bytes = readFileSync(signed);
    const at = [10, 120, Math.floor(bytes.length / 2), bytes.length - 60, bytes.length - 2];
    for (const i of at) {
      const copy = Buffer.from(bytes);
      copy[i] = (copy[i] ?? 0) === 0x41 ? 0x42 : 0x41;
      const bad = join(lab.dir, `altered-${i}.json`);
      writeFileSync(bad, copy);
      const r = await runCli(['report', 'verify', bad]);
      expect(r.code, `byte ${i}: ${r.stdout}`).toBe(1);
      expect(r.stdout).toContain('NOT VERIFIED');
    }
  });
});

describe('OSCAL from the real scan, through the API', { timeout: 180_000 }, () => {
  it('Assessment Results and Assessment Plan pass the published OSCAL 1.1.2 JSON schemas', async () => {
    const t = await createTestDatabase();
    try {
      await syncBundledRuleCatalog(
        t.db,
        createLogger({ level: 'error', format: 'json', write: () => undefined }),
      );
      const a = testApp(t.db);
      await seedUser(t.db, 'oscal_operator', ['operator']);
      const token = (await loginAs(a, 'oscal_operator')).access_token;
      const hostId = await seedHost(t.db, 'scanned.example.test');
      const scanId = await newScan(t.db, hostId);
      await applyScanResults(t.db, {
        scanId,
        hostId,
        report,
        completedAt: new Date(report.timing.finished_at),
      });
      const get = async (format: string) =>
        (await (
          await a.call('GET', `/api/v1/scans/${scanId}/export?format=${format}`, { token })
        ).json()) as Record<string, unknown>;
      const ar = await get('oscal');
      const ap = await get('oscal-ap');
      expect(oscalValidator('assessment-results')(ar)).toEqual([]);
      expect(oscalValidator('assessment-plan')(ap)).toEqual([]);
      const results = (ar['assessment-results'] as { results: { findings: unknown[] }[] }).results[0];
      expect(results?.findings).toHaveLength(report.results.length);
      expect(JSON.stringify(ar)).toContain('PermitRootLogin no'); // the failure's remediation
      const plan = ap['assessment-plan'] as { 'local-definitions': { activities: unknown[] } };
      expect(plan['local-definitions'].activities).toHaveLength(report.results.length);
      // The validators can fail: a plan without its required import-ssp does not pass.
      const broken = structuredClone(ap) as { 'assessment-plan': Record<string, unknown> };
      delete broken['assessment-plan']['import-ssp'];
      expect(oscalValidator('assessment-plan')(broken).length).toBeGreaterThan(0);
    } finally {
      await t.drop();
    }
  });
});
