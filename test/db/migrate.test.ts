import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../core/db/schema-version.ts';
import {
  assertSupportedServerVersion,
  migrate,
  migrationStatus,
  readMigrationFiles,
  schemaVersionOf,
} from '../../core/node/migrate.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';

function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir('ow-migrations');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('migrate CLI against a fresh database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => t.drop());

  it('two concurrent runs both succeed and apply each migration once; a third has nothing to do', async () => {
    const env = { OPENWATCH_DATABASE_DSN: t.dsn };
    const [a, b] = await Promise.all([runCli(['migrate'], { env }), runCli(['migrate'], { env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outputs = [a.stdout, b.stdout];
    expect(outputs.filter((o) => o.includes('applied 0001_settings'))).toHaveLength(1);
    expect(outputs.filter((o) => o.includes('nothing to migrate'))).toHaveLength(1);
    const { rows } = await t.db.query<{ n: string }>('select count(*) as n from openwatch_migrations');
    expect(Number(rows[0]?.n)).toBe(readMigrationFiles().length);

    const c = await runCli(['migrate'], { env });
    expect(c.code).toBe(0);
    expect(c.stdout).toBe('nothing to migrate: the schema is current\n');
  });

  it('--status lists applied and pending', async () => {
    const res = await runCli(['migrate', '--status'], { env: { OPENWATCH_DATABASE_DSN: t.dsn } });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^applied {2}0001_settings {2}\d{4}-/m);
    expect(res.stdout).toContain(`${readMigrationFiles().length} applied, 0 pending`);
  });

  it('fails clearly when the database cannot be reached', async () => {
    const res = await runCli(['migrate'], {
      env: { OPENWATCH_DATABASE_DSN: 'postgres://nobody:pw@127.0.0.1:1/x' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^openwatch migrate: .*ECONNREFUSED/);
    expect(res.stderr).not.toContain(':pw@');
  });
});

describe('migrate library', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => t.drop());

  it('serialises overlapping migrators on the lock so each file runs exactly once', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'create table a (id int); select pg_sleep(0.3);',
      '0002_b.sql': 'insert into a values (1);',
    });
    const results = await Promise.all([migrate(t.dsn, dir), migrate(t.dsn, dir), migrate(t.dsn, dir)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, 2]);
    const { rows } = await t.db.query<{ n: string }>('select count(*) as n from a');
    expect(rows[0]?.n).toBe('1');
    const st = await migrationStatus(t.dsn, dir);
    expect(st.applied.map((m) => m.name)).toEqual(['a', 'b']);
    expect(st.pending).toEqual([]);
  });

  it('rolls back a failing migration entirely and applies nothing after it', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'create table a (id int); select pg_sleep(0.3);',
      '0002_b.sql': 'insert into a values (1);',
      '0003_bad.sql': 'create table c (id int); select * from no_such_table;',
      '0004_d.sql': 'create table d (id int);',
    });
    await expect(migrate(t.dsn, dir)).rejects.toThrow(/no_such_table/);
    const st = await migrationStatus(t.dsn, dir);
    expect(st.pending.map((m) => m.name)).toEqual(['bad', 'd']);
    const { rows } = await t.db.query<{ c: string | null }>(`select to_regclass('c')::text as c`);
    expect(rows[0]?.c).toBeNull();
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'create table a (id int); -- edited',
      '0002_b.sql': 'insert into a values (1);',
    });
    await expect(migrate(t.dsn, dir)).rejects.toThrow(
      'applied migrations were edited after being applied: 0001_a',
    );
  });

  it('rejects badly named or duplicate migration files and accepts gaps', () => {
    expect(() => readMigrationFiles(migrationsDir({ '1_a.sql': '' }))).toThrow(/named NNNN_name\.sql/);
    expect(() => readMigrationFiles(migrationsDir({ '0001_a.sql': '', '0001_b.sql': '' }))).toThrow(
      /duplicate or zero migration id 0001/,
    );
    const gap = readMigrationFiles(migrationsDir({ '0001_a.sql': '', '0003_c.sql': '' }));
    expect(gap.map((m) => m.id)).toEqual([1, 3]);
  });

  it('refuses PostgreSQL older than 14', () => {
    expect(() => assertSupportedServerVersion(130011)).toThrow(
      'PostgreSQL 13.11 is not supported: OpenWatch needs PostgreSQL 14 or newer',
    );
    expect(() => assertSupportedServerVersion(140000)).not.toThrow();
  });

  it('SCHEMA_VERSION names the newest migration file', () => {
    expect(SCHEMA_VERSION).toBe(schemaVersionOf(readMigrationFiles()));
  });
});
