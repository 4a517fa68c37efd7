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
  /** Guidance; optional so an entry without it (a test's minimal rule) stores empty text. */
  description?: string;
  rationale?: string;
  remediation?: string;
  check_summary?: string;
  variables?: Record<string, { type: string; default: unknown; description: string }>;
  /** A shell fix with the variables' defaults, where the check allows one (text only, never run). */
  shell_fix?: string | null;
}

export interface CatalogRow extends CatalogEntry {
  corpus_version: string;
  updated_at: Date;
}

/** A catalog row with its guidance and the fleet's current verdicts, as `getCatalogRule` reads it. */
export type CatalogRuleRow = CatalogRow &
  Required<Omit<CatalogEntry, 'shell_fix'>> & { shell_fix: string | null; fleet: Record<string, number> };

const COLUMNS = 'rule_id, title, severity, category, tags, refs, platforms, corpus_version, updated_at';

/**
 * `remediation, shell_fix` for a result row joined to the catalog as `rc`: present on failures only,
 * which is where there is something to fix (null when the rule has left the corpus).
 */
export function guidanceColumns(statusColumn: string): string {
  return `case when ${statusColumn} = 'fail' then nullif(rc.remediation, '') end as remediation,
          case when ${statusColumn} = 'fail' then rc.shell_fix end as shell_fix`;
}

/** Guidance as result rows carry it. */
export interface ResultGuidance {
  remediation: string | null;
  shell_fix: string | null;
}

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
    `insert into rule_catalog as c (rule_id, title, severity, category, tags, refs, platforms, corpus_version,
                                    description, rationale, remediation, check_summary, variables, shell_fix)
     select e.rule_id, e.title, e.severity, e.category,
            array(select jsonb_array_elements_text(e.tags)), e.refs, e.platforms, $2,
            coalesce(e.description, ''), coalesce(e.rationale, ''), coalesce(e.remediation, ''),
            coalesce(e.check_summary, ''), coalesce(e.variables, '{}'::jsonb), e.shell_fix
       from jsonb_to_recordset($1::jsonb)
         as e(rule_id text, title text, severity text, category text, tags jsonb, refs jsonb, platforms jsonb,
              description text, rationale text, remediation text, check_summary text, variables jsonb,
              shell_fix text)
     on conflict (rule_id) do update
        set title = excluded.title, severity = excluded.severity, category = excluded.category,
            tags = excluded.tags, refs = excluded.refs, platforms = excluded.platforms,
            corpus_version = excluded.corpus_version, description = excluded.description,
            rationale = excluded.rationale, remediation = excluded.remediation,
            check_summary = excluded.check_summary, variables = excluded.variables,
            shell_fix = excluded.shell_fix, updated_at = now()
      where (c.title, c.severity, c.category, c.tags, c.refs, c.platforms, c.corpus_version, c.description,
             c.rationale, c.remediation, c.check_summary, c.variables, c.shell_fix)
            is distinct from (excluded.title, excluded.severity, excluded.category, excluded.tags,
                              excluded.refs, excluded.platforms, excluded.corpus_version,
                              excluded.description, excluded.rationale, excluded.remediation,
                              excluded.check_summary, excluded.variables, excluded.shell_fix)`,
    [JSON.stringify(entries), corpusVersion],
  );
  return rowCount;
}

/** Removes rules that left the corpus (their results stay: scan_results and state do not reference it). */
export async function deleteCatalogExcept(tx: Queryable, ruleIds: readonly string[]): Promise<number> {
  const { rowCount } = await tx.query('delete from rule_catalog where rule_id <> all($1::text[])', [ruleIds]);
  return rowCount;
}

/** One rule with its guidance and its current verdicts across live hosts, or undefined. */
export async function getCatalogRule(q: Queryable, ruleId: string): Promise<CatalogRuleRow | undefined> {
  const { rows } = await q.query<CatalogRuleRow>(
    `select ${COLUMNS}, description, rationale, remediation, check_summary, variables, shell_fix,
            (select jsonb_build_object(
                      'pass', count(*) filter (where s.status = 'pass'),
                      'fail', count(*) filter (where s.status = 'fail'),
                      'error', count(*) filter (where s.status = 'error'),
                      'not_applicable', count(*) filter (where s.status = 'not_applicable'),
                      'not_assessable', count(*) filter (where s.status = 'not_assessable'))
               from host_rule_state s join hosts h on h.id = s.host_id and h.deleted_at is null
              where s.rule_id = c.rule_id) as fleet
       from rule_catalog c where rule_id = $1`,
    [ruleId],
  );
  return rows[0];
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

/** Of the given ids, those the catalog does not hold, in the order given. */
export async function unknownRuleIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select i.id from unnest($1::text[]) with ordinality as i(id, n)
     where not exists (select 1 from rule_catalog c where c.rule_id = i.id) order by i.n`,
    [ids],
  );
  return rows.map((r) => r.id);
}

/** Ids of the rules citing a framework (a key of their references), optionally among `within`. */
export async function ruleIdsCiting(
  q: Queryable,
  framework: string,
  within: readonly string[] | null,
): Promise<string[]> {
  const { rows } = await q.query<{ rule_id: string }>(
    `select rule_id from rule_catalog where refs ? $1 and ($2::text[] is null or rule_id = any($2::text[]))
     order by rule_id`,
    [framework, within],
  );
  return rows.map((r) => r.rule_id);
}
