import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '../../core/identity/jwt.ts';
import { verifyPassword } from '../../core/identity/password-hash.ts';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const PW = 'granite-orchard-sings-at-dawn';

describe('openwatch create-admin', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => t.drop());
  const env = () => ({ OPENWATCH_DATABASE_DSN: t.dsn });

  it('migrates, reads the password from piped stdin, and creates an admin', async () => {
    const res = await runCli(['create-admin', '--username', 'Root', '--email', 'root@example.test'], {
      env: env(),
      input: `${PW}\n`,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^created admin 'root' \(id [0-9a-f-]{36}\)\n$/);
    const { rows } = await t.db.query<{ password_hash: string; roles: string[] }>(
      `select u.password_hash, array_agg(ur.role) as roles from users u join user_roles ur on ur.user_id = u.id
       where u.username = 'root' group by u.password_hash`,
    );
    expect(rows[0]?.roles).toEqual(['admin']);
    expect(await verifyPassword(PW, rows[0]?.password_hash ?? '')).toBe(true);
    const audit = await t.db.query<{ actor_name: string }>(
      `select actor_name from audit_events where code = 'user.created'`,
    );
    expect(audit.rows).toEqual([{ actor_name: 'cli' }]);
  });

  it('refuses an existing username, a weak password, and no password, without echoing it', async () => {
    const again = await runCli(['create-admin', '--username', 'root', '--email', 'r@example.test'], {
      env: env(),
      input: `${PW}x\n`,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("user 'root' already exists");
    const weak = await runCli(['create-admin', '--username', 'other', '--email', 'o@example.test'], {
      env: env(),
      input: 'fourteen chars\n',
    });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password rejected: it must be at least 15 characters');
    expect(weak.stderr + weak.stdout).not.toContain('fourteen chars');
    const common = await runCli(['create-admin', '--username', 'other', '--email', 'o@example.test'], {
      env: env(),
      input: '1qaz2wsx3edc4rfv\n',
    });
    expect(common.stderr).toContain('common or breached');
    const none = await runCli(['create-admin', '--username', 'other', '--email', 'o@example.test'], {
      env: env(),
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no password on standard input');
    const noFlag = await runCli(['create-admin', '--email', 'o@example.test'], {
      env: env(),
      input: `${PW}\n`,
    });
    expect(noFlag.code).toBe(2);
    const argvPassword = await runCli(
      ['create-admin', '--username', 'x', '--email', 'x@example.test', '--password', PW],
      {
        env: env(),
      },
    );
    expect(argvPassword.code).toBe(2);
    expect(argvPassword.stderr).toContain("Unknown option '--password'");
  });
});

describe('openwatch rotate-jwt-key', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('writes a new 0600 key, registers it, and retires the older keys after the access-token lifetime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ow-rotate-'));
    const secrets = await ensureDevSecrets(dir);
    const env = { OPENWATCH_DATABASE_DSN: t.dsn, OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey };
    const oldKey = await signingKeyFromPem(readFileSync(secrets.jwtPrivateKey, 'utf8'));
    await t.db.query(`insert into jwt_signing_keys (kid, alg, public_jwk) values ($1, $2, $3)`, [
      oldKey.kid,
      oldKey.alg,
      JSON.stringify(oldKey.publicJwk),
    ]);
    const res = await runCli(['rotate-jwt-key'], { env });
    expect(res.code).toBe(0);
    const newKey = await signingKeyFromPem(readFileSync(secrets.jwtPrivateKey, 'utf8'));
    expect(newKey.kid).not.toBe(oldKey.kid);
    expect((statSync(secrets.jwtPrivateKey).mode & 0o777).toString(8)).toBe('600');
    expect(res.stdout).toContain(`new signing key ${newKey.kid} (EdDSA) written to ${secrets.jwtPrivateKey}`);
    expect(res.stdout).toContain(`retiring ${oldKey.kid} at `);
    const { rows } = await t.db.query<{ kid: string; retire_in: number | null }>(
      `select kid, extract(epoch from retired_at - now())::int as retire_in from jwt_signing_keys order by created_at`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.kid === newKey.kid)?.retire_in).toBeNull();
    const retireIn = rows.find((r) => r.kid === oldKey.kid)?.retire_in ?? 0;
    expect(retireIn).toBeGreaterThan(850);
    expect(retireIn).toBeLessThanOrEqual(900);
    const audit = await t.db.query(`select 1 from audit_events where code = 'jwt.key.rotated'`);
    expect(audit.rows).toHaveLength(1);
  });
});
