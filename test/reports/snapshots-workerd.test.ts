import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { loadReportPublicKey } from '../../core/node/report-key.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { verifySignedReport } from '../../core/reports/signing.ts';
import { startWorkerd, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Profiles and signed report snapshots served by the worker inside workerd (WebCrypto signing there). */
describe('profiles and report snapshots on workerd', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  let keyFile: string;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await syncBundledRuleCatalog(
      t.db,
      createLogger({ level: 'error', format: 'json', write: () => undefined }),
    );
    keyFile = join(tempDir('ow-workerd-reports'), 'report.key');
    expect((await runCli(['report', 'keygen', '-o', keyFile])).code).toBe(0);
    // One line in the env file: the PEM's newlines become spaces, which the importer ignores.
    const pem = readFileSync(keyFile, 'utf8').trim().replace(/\n/g, ' ');
    api = await startWorkerd(t.dsn, { assets: false, vars: { REPORT_SIGNING_KEY: `"${pem}"` } });
    await seedUser(t.db, 'wd_reports', ['operator']);
    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'wd_reports', password: STRONG }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await t?.drop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    api.fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('lists profiles and signs a snapshot with the key from the secret binding', async () => {
    const profiles = (await (await call('GET', '/api/v1/profiles')).json()) as { items: { id: string }[] };
    expect(profiles.items.map((p) => p.id)).toContain('cis_debian12_l1_server');

    const made = await call('POST', '/api/v1/reports', { kind: 'exception_register' });
    expect(made.status).toBe(201);
    const { id, signed_by } = (await made.json()) as { id: string; signed_by: string | null };
    expect(signed_by).toMatch(/^[0-9a-f]{16}$/);
    const dl = await call('GET', `/api/v1/reports/${id}/download?format=json`);
    const v = await verifySignedReport(await dl.text(), [await loadReportPublicKey(`${keyFile}.pub`)]);
    expect(v.ok && v.pinned).toBe(true);
  });
});
