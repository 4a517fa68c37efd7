import { copyFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import * as sql from '../../db/sql/backup.ts';
import { migrate, readMigrationFiles, withClient } from '../migrate.ts';
import { MIGRATIONS_DIR } from '../paths.ts';
import { tempDirFor } from './files.ts';
import { fileSha256 } from './dump.ts';
import type { Manifest, TableEntry } from './manifest.ts';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** Parents before children, so every foreign key finds its row while loading. */
export function loadOrder(
  tables: readonly string[],
  edges: readonly { child: string; parent: string }[],
): string[] {
  const wanted = new Set(tables);
  const pending = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (wanted.has(e.child) && wanted.has(e.parent)) pending.get(e.child)?.add(e.parent);
  const out: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter(([, parents]) => parents.size === 0)
      .map(([t]) => t)
      .sort();
    if (ready.length === 0)
      throw new RestoreError(`foreign keys form a cycle among: ${[...pending.keys()].join(', ')}`);
    for (const t of ready) {
      out.push(t);
      pending.delete(t);
      for (const parents of pending.values()) parents.delete(t);
    }
  }
  return out;
}

/**
 * The archive's migrations, taken from this binary's files: the same ids with the same checksums, or the
 * archive came from a release this binary does not know (a newer one) and is refused.
 */
function archivedMigrationsDir(manifest: Manifest): string {
  const files = new Map(readMigrationFiles().map((f) => [f.id, f]));
  const dir = tempDirFor('openwatch-restore-migrations');
  for (const m of manifest.migrations) {
    const f = files.get(m.id);
    if (!f || f.checksum !== m.checksum) {
      throw new RestoreError(
        `the archive's schema (version ${manifest.schema_version}) includes migration ` +
          `${String(m.id).padStart(4, '0')}_${m.name}, which this binary does not have: restore with the ` +
          'release that made the backup, then upgrade',
      );
    }
    const name = `${String(f.id).padStart(4, '0')}_${f.name}.sql`;
    copyFileSync(join(MIGRATIONS_DIR, name), join(dir, name));
  }
  return dir;
}

async function copyIn(client: pg.Client, dir: string, t: TableEntry): Promise<void> {
  const path = join(dir, t.file);
  if ((await fileSha256(path)) !== t.sha256)
    throw new RestoreError(`${t.file} is damaged (checksum mismatch)`);
  const list = t.columns.map(sql.quoteIdent).join(', ');
  await pipeline(
    createReadStream(path),
    client.query(copyFrom(`copy ${sql.quoteIdent(t.name)} (${list}) from stdin`)),
  );
}

export interface LoadResult {
  /** Rows per table after loading, before later migrations ran. */
  counts: Record<string, number>;
  /** Migrations this binary applied on top of the archive's schema. */
  upgraded: number;
}

/**
 * Restores an extracted archive into `dsn`: refuses a database that holds any table unless `force`
 * (which drops the public schema), recreates the archive's schema from this binary's migrations, loads
 * every table with COPY FROM in one transaction (parents first), moves sequences past the loaded ids, and
 * then applies any newer migrations unless told not to (a rollback keeps the archive's schema).
 */
export async function loadDatabase(
  dsn: string,
  dir: string,
  manifest: Manifest,
  o: { force: boolean; upgrade: boolean },
): Promise<LoadResult> {
  const migrationsDir = archivedMigrationsDir(manifest);
  await withClient(dsn, async (q) => {
    const existing = await sql.publicTables(q);
    if (existing.length === 0) return;
    if (!o.force) {
      throw new RestoreError(
        `the target database is not empty (${existing.length} tables): restore into an empty database, ` +
          'or pass --force to drop everything in it first',
      );
    }
    await sql.dropPublicSchema(q);
  });
  await migrate(dsn, migrationsDir);
  const counts = await withClient(dsn, async (q, client) => {
    const present = new Set(await sql.publicTables(q));
    const missing = manifest.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
    if (missing.length > 0) throw new RestoreError(`the migrated schema lacks tables: ${missing.join(', ')}`);
    const order = loadOrder(
      manifest.tables.map((t) => t.name),
      await sql.foreignKeyEdges(q),
    );
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    await q.query('begin');
    try {
      // Migrations seed some tables (roles, settings); the archive's rows replace them. The audit log is
      // append-only even against TRUNCATE, and no migration writes to it, so it is left out.
      await sql.truncateTables(
        q,
        order.filter((t) => t !== 'audit_events'),
      );
      for (const name of order) {
        const t = byName.get(name);
        if (t) await copyIn(client, dir, t);
      }
      await sql.resetSequences(q);
      await q.query('commit');
    } catch (err) {
      await q.query('rollback').catch(() => undefined);
      throw err;
    }
    const out: Record<string, number> = {};
    for (const t of manifest.tables) out[t.name] = await sql.rowCount(q, t.name);
    return out;
  });
  const upgraded = o.upgrade ? (await migrate(dsn)).length : 0;
  return { counts, upgraded };
}
