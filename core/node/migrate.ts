import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, inTransaction, run } from '../db/pg-client.ts';
import * as sql from '../db/sql/migrations.ts';
import type { Queryable } from '../db/types.ts';
import { MIGRATIONS_DIR } from './paths.ts';

export const MIN_SERVER_VERSION_NUM = 140000;

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: sql.AppliedMigration[];
  pending: MigrationFile[];
  /** Applied migrations whose file has changed since: applied migrations are never edited. */
  modified: MigrationFile[];
  /** Applied migrations this binary has no file for: the database was migrated by a newer release. */
  unknown: sql.AppliedMigration[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * `0001_name.sql` files, in id order; a duplicate id is an error. Gaps are allowed: numbers are handed out
 * to parallel branches ahead of time, so a branch may hold 0011 before 0009 and 0010 exist.
 */
export function readMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const out: MigrationFile[] = [];
  for (const f of files) {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(f);
    if (!m?.[1] || !m[2])
      throw new MigrationError(`${join(dir, f)}: migration files are named NNNN_name.sql`);
    const id = Number(m[1]);
    const previous = out.at(-1);
    if (id === 0 || (previous && id === previous.id))
      throw new MigrationError(`${join(dir, f)}: duplicate or zero migration id ${m[1]}`);
    const text = readFileSync(join(dir, f), 'utf8');
    out.push({ id, name: m[2], sql: text, checksum: createHash('sha256').update(text).digest('hex') });
  }
  return out;
}

/** One dedicated connection for `fn` (migrations, COPY streams), always closed. */
export async function withClient<T>(
  dsn: string,
  fn: (db: Queryable, client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: dsn, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn({ query: (s, p) => run(client, s, p) }, client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Refuses servers older than PostgreSQL 14 (server_version_num below 140000). */
export function assertSupportedServerVersion(v: number): void {
  if (v < MIN_SERVER_VERSION_NUM) {
    const shown = `${Math.floor(v / 10000)}.${v % 10000}`;
    throw new MigrationError(`PostgreSQL ${shown} is not supported: OpenWatch needs PostgreSQL 14 or newer`);
  }
}

async function checkServerVersion(db: Queryable): Promise<void> {
  assertSupportedServerVersion(await sql.serverVersionNum(db));
}

function compare(applied: sql.AppliedMigration[], files: MigrationFile[]): MigrationStatus {
  const byId = new Map(applied.map((a) => [a.id, a]));
  const known = new Set(files.map((f) => f.id));
  return {
    applied,
    unknown: applied.filter((a) => !known.has(a.id)),
    pending: files.filter((f) => !byId.has(f.id)),
    modified: files.filter((f) => {
      const a = byId.get(f.id);
      return a !== undefined && a.checksum !== f.checksum;
    }),
  };
}

export async function migrationStatus(dsn: string, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = readMigrationFiles(dir);
  return withClient(dsn, async (db) => {
    await checkServerVersion(db);
    return compare(await sql.appliedMigrations(db), files);
  });
}

/**
 * Applies pending migrations in order. Migrators serialise on an advisory lock, so several started
 * together all succeed and each migration runs once; each migration runs in its own transaction whose
 * first statement records it.
 */
export async function migrate(dsn: string, dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = readMigrationFiles(dir);
  return withClient(dsn, async (db, client) => {
    await checkServerVersion(db);
    await sql.lockMigrations(db);
    try {
      await sql.ensureMigrationsTable(db);
      const status = compare(await sql.appliedMigrations(db), files);
      if (status.unknown.length > 0) throw new MigrationError(newerMessage(status, files));
      if (status.modified.length > 0) {
        const names = status.modified.map((m) => `${String(m.id).padStart(4, '0')}_${m.name}`).join(', ');
        throw new MigrationError(`applied migrations were edited after being applied: ${names}`);
      }
      for (const m of status.pending) {
        await inTransaction(client, async (tx) => {
          await sql.recordMigration(tx, m.id, m.name, m.checksum);
          await tx.query(m.sql);
        });
      }
      return status.pending;
    } finally {
      await sql.unlockMigrations(db).catch(() => undefined);
    }
  });
}

/** The schema version of a set of files or applied migrations: the newest id, 0 for none. */
export function schemaVersionOf(items: readonly { id: number }[]): number {
  return items.reduce((max, m) => Math.max(max, m.id), 0);
}

function newerMessage(status: MigrationStatus, files: MigrationFile[]): string {
  const names = status.unknown.map((m) => `${String(m.id).padStart(4, '0')}_${m.name}`).join(', ');
  return (
    `the database schema (version ${schemaVersionOf(status.applied)}) is newer than this binary ` +
    `(schema version ${schemaVersionOf(files)}): it has ${names}. Run the release that migrated it, ` +
    `or restore the backup taken before the upgrade (docs/operations/upgrade.md)`
  );
}

/**
 * Refuses a database whose schema is not exactly the one this binary was built for: older (pending
 * migrations: run `openwatch migrate`) or newer (a later release migrated it). Both versions are named.
 */
export async function assertSchemaCurrent(dsn: string, dir = MIGRATIONS_DIR): Promise<void> {
  const files = readMigrationFiles(dir);
  const status = await migrationStatus(dsn, dir);
  if (status.unknown.length > 0) throw new MigrationError(newerMessage(status, files));
  if (status.pending.length > 0) {
    throw new MigrationError(
      `the database schema (version ${schemaVersionOf(status.applied)}) is older than this binary ` +
        `(schema version ${schemaVersionOf(files)}): ${status.pending.length} migrations are pending. ` +
        'Take a backup (openwatch backup), then run openwatch migrate',
    );
  }
}
