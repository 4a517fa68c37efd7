import type { Queryable } from '../types.ts';

export interface CatalogEntry {
  rule_id: string;
  title: string;
  severity: string;
  category: string;
  tags: string[];
  refs: Record<string, unknown>;
  /** `[]` when the rule applies to every platform. */
  platforms: { family: string; min_version?: string; max_version?: string }[];
}

export interface CatalogRow extends CatalogEntry {
  corpus_version: string;
  updated_at: Date;
}

const COLUMNS = 'rule_id, title, severity, category, tags, refs, platforms, corpus_version, updated_at';

/** The corpus versions present (one after a completed sync; none before the first). */
export async function catalogVersions(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ v: string }>(
    'select distinct corpus_version as v from rule_catalog order by 1',
  );
  return rows.map((r) => r.v);
}

/** Inserts or replaces every entry in one statement; rows whose content and version match are left alone. */
export async function upsertCatalog(
  tx: Queryable,
  entries: readonly CatalogEntry[],
  corpusVersion: string,
): Promise<number> {
  const { rowCount } = await tx.query(
    `insert into rule_catalog as c (rule_id, title, severity, category, tags, refs, platforms, corpus_version)
     select e.rule_id, e.title, e.severity, e.category,
            array(select jsonb_array_elements_text(e.tags)), e.refs, e.platforms, $2
       from jsonb_to_recordset($1::jsonb)
         as e(rule_id text, title text, severity text, category text, tags jsonb, refs jsonb, platforms jsonb)
     on conflict (rule_id) do update
        set title = excluded.title, severity = excluded.severity, category = excluded.category,
            tags = excluded.tags, refs = excluded.refs, platforms = excluded.platforms,
            corpus_version = excluded.corpus_version, updated_at = now()
      where (c.title, c.severity, c.category, c.tags, c.refs, c.platforms, c.corpus_version)
            is distinct from (excluded.title, excluded.severity, excluded.category, excluded.tags,
                              excluded.refs, excluded.platforms, excluded.corpus_version)`,
    [JSON.stringify(entries), corpusVersion],
  );
  return rowCount;
}

/** Removes rules that left the corpus (their results stay: scan_results and state do not reference it). */
export async function deleteCatalogExcept(tx: Queryable, ruleIds: readonly string[]): Promise<number> {
  const { rowCount } = await tx.query('delete from rule_catalog where rule_id <> all($1::text[])', [ruleIds]);
  return rowCount;
}

export interface CatalogFilter {
  framework: string | undefined;
  severity: string | undefined;
  /** A platform family: rules listing it, or listing no platform at all. */
  platform: string | undefined;
  tag: string | undefined;
  category: string | undefined;
  /** Case-insensitive substring of the id or title. */
  q: string | undefined;
  /** Rules whose id sorts after this one. */
  after: string | undefined;
  limit: number;
}

export async function listCatalog(q: Queryable, f: CatalogFilter): Promise<CatalogRow[]> {
  const { rows } = await q.query<CatalogRow>(
    `select ${COLUMNS} from rule_catalog
      where ($1::text is null or refs ? $1)
        and ($2::text is null or severity = $2)
        and ($3::text is null or platforms = '[]'::jsonb
             or platforms @> jsonb_build_array(jsonb_build_object('family', $3::text)))
        and ($4::text is null or $4 = any(tags))
        and ($5::text is null or category = $5)
        and ($6::text is null or strpos(lower(rule_id || ' ' || title), lower($6)) > 0)
        and ($7::text is null or rule_id > $7)
      order by rule_id limit $8`,
    [
      f.framework ?? null,
      f.severity ?? null,
      f.platform ?? null,
      f.tag ?? null,
      f.category ?? null,
      f.q ?? null,
      f.after ?? null,
      f.limit,
    ],
  );
  return rows;
}

export async function getCatalogRule(q: Queryable, ruleId: string): Promise<CatalogRow | undefined> {
  const { rows } = await q.query<CatalogRow>(`select ${COLUMNS} from rule_catalog where rule_id = $1`, [
    ruleId,
  ]);
  return rows[0];
}
