import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCredentials } from '../../core/db/sql/credentials.ts';
import { decryptCredential } from '../../core/fleet/credentials.ts';
import { checkpointKeyFrom } from '../../cli/audit-anchor.ts';
import { currentCheckpoint } from '../../core/audit/checkpoint.ts';
import { readAuditHead, writeAuditHead } from '../../core/node/audit-head.ts';
import { loadCredentialKeyring } from '../../core/node/credential-keys.ts';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { tempDir } from '../helpers/tmp.ts';

const PASSPHRASE = 'drill-passphrase-of-some-length';

/** Signs in through the API and returns a JSON caller. */
async function signIn(serve: ApiTarget) {
  const res = await serve.fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ops', password: STRONG }),
  });
  expect(res.status).toBe(200);
  const { access_token: token } = (await res.json()) as { access_token: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await serve.fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as T };
  };
}

type Api = Awaited<ReturnType<typeof signIn>>;

async function scanToCompletion(api: Api, hostId: string): Promise<void> {
  const scan = await api<{ id: string }>('POST', `/api/v1/hosts/${hostId}/scans`, {});
  expect(scan.status).toBe(202);
  await waitFor(
    async () => {
      const s = await api<{ status: string }>('GET', `/api/v1/scans/${scan.body.id}`);
      if (s.body.status === 'failed') throw new Error('scan failed');
      return s.body.status === 'completed' ? true : undefined;
    },
    90_000,
    'the scan to complete',
  );
}

describe('DR drill: populate → backup → destroy database and keys → restore → sign in, decrypt, audit, scan', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let lab: SshLab;
  let host: SshdHost;
  let etc: string;
  let files: Awaited<ReturnType<typeof ensureDevSecrets>>;
  let env: NodeJS.ProcessEnv;
  const archive = join(tempDir('ow-dr-archive'), 'drill.tar.gz');
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase({ migrated: false });
    lab = await SshLab.create();
    host = await lab.startHost();
    // An /etc/openwatch-like directory: config, secrets.env, keys and TLS pair.
    etc = tempDir('ow-dr-etc');
    files = await ensureDevSecrets(etc);
    const s = files;
    writeFileSync(
      join(etc, 'secrets.env'),
      'OPENWATCH_DATABASE_DSN=postgres://drill:s3cret-env-value@db/x\n',
      {
        mode: 0o640,
      },
    );
    writeFileSync(
      join(etc, 'openwatch.toml'),
      `[identity]\njwt_private_key = "${s.jwtPrivateKey}"\ncredential_key_file = "${s.credentialKeyFile}"\n` +
        `[server]\ntls_cert = "${s.tlsCert}"\ntls_key = "${s.tlsKey}"\n`,
      { mode: 0o640 },
    );
    env = { OPENWATCH_CONFIG: join(etc, 'openwatch.toml'), OPENWATCH_BACKUP_PASSPHRASE: PASSPHRASE };
  }, 120_000);
  afterAll(async () => {
    for (const stop of stops) await stop();
    await lab?.cleanup();
    await source?.drop().catch(() => undefined);
    await target?.drop();
  });

  const serveOn = async (dsn: string) => {
    const serve = await startNodeServe({
      dsn,
      env: {
        OPENWATCH_SERVER_TLS_CERT: files.tlsCert,
        OPENWATCH_SERVER_TLS_KEY: files.tlsKey,
        OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: files.jwtPrivateKey,
        OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: files.credentialKeyFile,
      },
    });
    stops.push(() => serve.stop());
    return serve;
  };

  it('recovers everything from one archive; RTO measured', async () => {
    await seedUser(source.db, 'ops', ['admin']);
    let serve = await serveOn(source.dsn);
    let api = await signIn(serve);
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    expect(cred.status).toBe(201);
    const pw = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'legacy',
      username: 'legacy',
      auth_method: 'password',
      password: 'a-password-that-must-survive',
    });
    expect(pw.status).toBe(201);
    const h = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'dr-1',
      address: host.address,
      port: host.port,
      credential_id: cred.body.id,
      host_key_policy: 'tofu',
    });
    expect(h.status).toBe(201);
    await scanToCompletion(api, h.body.id);
    const ex = await api<{ id: string }>('POST', '/api/v1/exceptions', {
      host_id: h.body.id,
      rule_id: 'sshd_disable_root_login',
      reason: 'break-glass access during the DR drill',
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(ex.status).toBe(201);
    const before = await source.db.query<{ t: string; n: string }>(
      `select 'users' t, count(*)::text n from users union all select 'credentials', count(*)::text from credentials
       union all select 'hosts', count(*)::text from hosts union all select 'scans', count(*)::text from scans
       union all select 'exceptions', count(*)::text from rule_exceptions
       union all select 'results', count(*)::text from scan_results order by t`,
    );
    await serve.stop();

    const backup = await runCli(['backup', '--out', archive], {
      env: { ...env, OPENWATCH_DATABASE_DSN: source.dsn },
    });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      /backup written: .*drill\.tar\.gz \(\d+ tables, \d+ rows, 6 files sealed\)/,
    );

    // No secret in plaintext anywhere in the archive.
    const plain = execFileSync('tar', ['-xzOf', archive], { maxBuffer: 256 * 1024 * 1024 }).toString(
      'latin1',
    );
    const credentialKey = readFileSync(join(etc, 'secrets', 'credential.key'), 'utf8').trim();
    for (const secret of [
      credentialKey,
      'BEGIN PRIVATE KEY',
      's3cret-env-value',
      'a-password-that-must-survive',
      lab.keys.clientKey.split('\n')[1] ?? 'x',
    ])
      expect(plain.includes(secret), secret.slice(0, 12)).toBe(false);

    const verify = await runCli(['backup', 'verify', archive], {
      env: { ...env, OPENWATCH_DATABASE_DSN: source.dsn },
    });
    expect(verify.stdout, verify.stderr).toMatch(/^verified: .* 2 credentials decrypted/m);
    expect(verify.code).toBe(0);
    const wrong = await runCli(['backup', 'verify', archive], {
      env: { ...env, OPENWATCH_DATABASE_DSN: source.dsn, OPENWATCH_BACKUP_PASSPHRASE: 'not-the-passphrase' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong passphrase');

    // The audit head serve anchored outside the database (it lives under /var/lib/openwatch, which this
    // disaster spares) includes the backup's own event: it is ahead of the chain the archive holds.
    const headFile = join(tempDir('ow-drill-anchor'), 'audit-head.json');
    const anchored = await currentCheckpoint(source.db, await checkpointKeyFrom(files.credentialKeyFile));
    if (!anchored) throw new Error('no audit head to anchor');
    writeAuditHead(headFile, anchored);

    // Disaster: the database and every key file are gone.
    await source.drop();
    rmSync(etc, { recursive: true, force: true });

    const started = performance.now();
    const anchorEnv = { OPENWATCH_AUDIT_HEAD_FILE: headFile };
    const restore = await runCli(['restore', archive], {
      env: { OPENWATCH_BACKUP_PASSPHRASE: PASSPHRASE, OPENWATCH_DATABASE_DSN: target.dsn, ...anchorEnv },
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('next: start openwatch');
    // The anchor that is ahead of the restored chain is kept aside as evidence, not compared against it.
    expect(existsSync(headFile)).toBe(false);
    const keptAt = /kept as (\S+);/.exec(restore.stdout)?.[1] ?? '';
    expect(readAuditHead(keptAt)).toEqual(anchored);
    expect(existsSync(join(etc, 'secrets', 'credential.key'))).toBe(true);
    expect(readFileSync(join(etc, 'secrets', 'credential.key'), 'utf8').trim()).toBe(credentialKey);
    serve = await serveOn(target.dsn);
    api = await signIn(serve);
    const rtoSeconds = (performance.now() - started) / 1000;
    console.log(
      `DR drill RTO (restore start → signed in on the restored service): ${rtoSeconds.toFixed(1)} s`,
    );

    const after = await target.db.query<{ t: string; n: string }>(
      `select 'users' t, count(*)::text n from users union all select 'credentials', count(*)::text from credentials
       union all select 'hosts', count(*)::text from hosts union all select 'scans', count(*)::text from scans
       union all select 'exceptions', count(*)::text from rule_exceptions
       union all select 'results', count(*)::text from scan_results order by t`,
    );
    expect(after.rows).toEqual(before.rows);
    const ring = await loadCredentialKeyring(join(etc, 'secrets', 'credential.key'));
    const creds = await Promise.all(
      (await listCredentials(target.db)).map((c) => decryptCredential(ring, c)),
    );
    expect(creds.map((c) => (c.privateKey ?? c.password)?.reveal()).sort()).toEqual(
      [lab.keys.clientKey, 'a-password-that-must-survive'].sort(),
    );
    const auditCheck = await runCli(['audit', 'verify'], {
      env: { OPENWATCH_DATABASE_DSN: target.dsn, ...anchorEnv },
    });
    expect(auditCheck.stdout).toContain('audit chain intact');
    expect(auditCheck.code).toBe(0);
    const restoredEvents = await target.db.query<{ details: Record<string, unknown> }>(
      `select details from audit_events where code = 'system.backup.restored'`,
    );
    expect(restoredEvents.rows).toHaveLength(1);
    expect(restoredEvents.rows[0]?.details).toMatchObject({
      previous_anchor_id: anchored.id,
      kept_at: keptAt,
    });
    await scanToCompletion(api, h.body.id);

    const refused = await runCli(['restore', archive], {
      env: { OPENWATCH_BACKUP_PASSPHRASE: PASSPHRASE, OPENWATCH_DATABASE_DSN: target.dsn },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the target database is not empty');
  }, 400_000);
});
