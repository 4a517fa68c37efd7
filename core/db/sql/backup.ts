import type { Queryable } from '../types.ts';

/** Ordinary tables of the public schema, by name. */
export async function publicTables(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
     order by c.relname`,
  );
  return rows.map((r) => r.name);
}

/** Columns a COPY can write: generated columns are recomputed, never copied. */
export async function copyableColumns(q: Queryable, table: string): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    `select a.attname as name from pg_attribute a
     where a.attrelid = format('public.%I', $1::text)::regclass and a.attnum > 0 and not a.attisdropped
       and a.attgenerated = ''
     order by a.attnum`,
    [table],
  );
  return rows.map((r) => r.name);
}

/** Foreign-key edges (child table → parent table) between public tables. */
export async function foreignKeyEdges(q: Queryable): Promise<{ child: string; parent: string }[]> {
  const { rows } = await q.query<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent from pg_constraint k
     join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
     join pg_namespace n on n.oid = c.relnamespace
     where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
  );
  return rows;
}

/** Moves every identity and serial sequence past the largest value restored into its column. */
export async function resetSequences(q: Queryable): Promise<void> {
  const { rows } = await q.query<{ tbl: string; col: string; seq: string }>(
    `select c.relname as tbl, a.attname as col, pg_get_serial_sequence(format('public.%I', c.relname), a.attname) as seq
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
       and pg_get_serial_sequence(format('public.%I', c.relname), a.attname) is not null`,
  );
  for (const r of rows) {
    // Identifiers come from the catalog above, quoted with format(%I), never from input.
    await q.query(
      `select setval($1::regclass, coalesce((select max(${quoteIdent(r.col)}) from ${quoteIdent(r.tbl)}), 0) + 1, false)`,
      [r.seq],
    );
  }
}

export async function rowCount(q: Queryable, table: string): Promise<number> {
  const { rows } = await q.query<{ n: string }>(`select count(*)::text as n from ${quoteIdent(table)}`);
  return Number(rows[0]?.n ?? 0);
}

/** A catalog identifier as a quoted SQL identifier. Only ever given names read from pg_catalog. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function beginSnapshot(q: Queryable): Promise<void> {
  await q.query('begin isolation level repeatable read read only');
}

/** Empties the restored tables that migrations seeded (roles, settings), so the archive's rows load alone. */
export async function truncateTables(q: Queryable, tables: string[]): Promise<void> {
  if (tables.length === 0) return;
  await q.query(`truncate table ${tables.map(quoteIdent).join(', ')} restart identity`);
}

export async function dropPublicSchema(q: Queryable): Promise<void> {
  await q.query('drop schema public cascade');
  await q.query('create schema public');
}
