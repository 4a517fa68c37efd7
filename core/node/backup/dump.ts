import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import * as sql from '../../db/sql/backup.ts';
import { appliedMigrations } from '../../db/sql/migrations.ts';
import { withClient } from '../migrate.ts';
import type { TableEntry } from './manifest.ts';

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface DatabaseDump {
  serverVersion: string;
  migrations: { id: number; name: string; checksum: string }[];
  tables: TableEntry[];
}

/**
 * A consistent logical dump without pg_dump: one REPEATABLE READ, read-only transaction (one snapshot),
 * each table's rows streamed with `COPY … TO STDOUT` into `dir/db/<table>.copy`, and its row count read in
 * the same snapshot. Works against any PostgreSQL 14–18 the pg driver reaches, including the embedded
 * server, which ships no pg_dump (and Debian 12's pg_dump 15 refuses a newer server).
 */
export async function dumpDatabase(dsn: string, dir: string): Promise<DatabaseDump> {
  mkdirSync(join(dir, 'db'), { recursive: true, mode: 0o700 });
  return withClient(dsn, async (q, client) => {
    await sql.beginSnapshot(q);
    const { rows } = await q.query<{ v: string }>(`select current_setting('server_version') as v`);
    const migrations = (await appliedMigrations(q)).map(({ id, name, checksum }) => ({ id, name, checksum }));
    const tables: TableEntry[] = [];
    for (const name of await sql.publicTables(q)) {
      if (name === 'openwatch_migrations') continue;
      const columns = await sql.copyableColumns(q, name);
      const file = `db/${name}.copy`;
      const list = columns.map(sql.quoteIdent).join(', ');
      await pipeline(
        client.query(copyTo(`copy ${sql.quoteIdent(name)} (${list}) to stdout`)),
        createWriteStream(join(dir, file), { mode: 0o600 }),
      );
      const sha256 = await fileSha256(join(dir, file));
      tables.push({ name, columns, rows: await sql.rowCount(q, name), file, sha256 });
    }
    await q.query('commit');
    return { serverVersion: rows[0]?.v ?? 'unknown', migrations, tables };
  });
}
