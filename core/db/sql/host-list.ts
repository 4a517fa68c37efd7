import { GROUP_MEMBER, HOST_COLUMNS, likeLiteral, type HostRow } from './hosts.ts';
import type { Queryable } from '../types.ts';

export const HOST_SORTS = ['name', 'address', 'os', 'score', 'last_scan', 'liveness'] as const;
export type HostSort = (typeof HOST_SORTS)[number];

/** Posture bands of a host's score, as the dashboard counts them (core/db/sql/fleet-summary.ts). */
export const POSTURE_BANDS = ['good', 'fair', 'poor', 'unscanned'] as const;
export type PostureBand = (typeof POSTURE_BANDS)[number];

/** Healthiest first; `unknown` (never checked) last. */
const LIVENESS_ORDER = `array['online', 'degraded', 'critical', 'down', 'unknown']::text[]`;

/**
 * Each sort's key: the SQL expression (exactly the one indexed by migrations/0014_host_list.sql, so the
 * planner walks the index) and the type its cursor text is cast back to. Nulls are folded to a value
 * that sorts first ascending, because a row comparison with a null in it is never true.
 */
const SORT_KEYS: Record<Exclude<HostSort, 'name'>, { expr: string; type: string }> = {
  address: { expr: 'lower(h.address)', type: 'text' },
  os: {
    expr: `lower(coalesce(h.os_name, h.os_family, '') || ' ' || coalesce(h.os_version, ''))`,
    type: 'text',
  },
  score: { expr: 'coalesce(h.score, -1)', type: 'float8' },
  last_scan: { expr: `coalesce(h.last_scan_at, '-infinity')`, type: 'timestamptz' },
  liveness: { expr: `array_position(${LIVENESS_ORDER}, h.liveness)`, type: 'int' },
};

/** The text each key type prints as, so a cursor's key is checked before PostgreSQL casts it. */
const KEY_TEXT: Record<string, RegExp> = {
  text: /^[\s\S]{0,300}$/,
  float8: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/,
  int: /^\d{1,2}$/,
  timestamptz: /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})$/,
};

/** Whether `key` can be a cursor key of `sort` (name: none; the others: their type's printed form). */
export function isSortKey(sort: HostSort, key: string | null): boolean {
  if (sort === 'name') return key === null;
  const pattern = KEY_TEXT[SORT_KEYS[sort].type];
  return key !== null && pattern !== undefined && pattern.test(key);
}

const BAND_WHERE: Record<PostureBand, string> = {
  good: 'h.score >= 0.9',
  fair: 'h.score >= 0.7 and h.score < 0.9',
  poor: 'h.score < 0.7',
  unscanned: 'h.score is null',
};

/** Where a page ends: the sort key as PostgreSQL printed it (exact, microseconds included), name, id. */
export interface HostListKey {
  key: string | null;
  name: string;
  id: string;
}

export interface HostListQuery {
  environment?: string | undefined;
  tag?: string | undefined;
  groupId?: string | undefined;
  /** Substring of hostname or address, case-insensitive. */
  q?: string | undefined;
  /** Effective maintenance (own flag or a group's). */
  maintenance?: boolean | undefined;
  /** Distribution: os_id or os_family (`ubuntu`, `rhel` …), case-insensitive. */
  os?: string | undefined;
  /** Prefix of os_version (`22` matches 22.04). */
  osVersion?: string | undefined;
  posture?: PostureBand | undefined;
  liveness?: string | undefined;
  sort?: HostSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  after?: HostListKey | undefined;
  limit: number;
}

export type HostListRow = HostRow & { sort_key: string | null };

/**
 * One page of live hosts, filtered, in (sort key, lower(hostname), id) order, after a keyset cursor.
 * Only the conditions asked for are in the statement, so each sort's index serves the page directly.
 */
export async function listHosts(q: Queryable, f: HostListQuery): Promise<HostListRow[]> {
  const params: unknown[] = [];
  const p = (v: unknown, cast: string): string => {
    params.push(v);
    return `$${params.length}::${cast}`;
  };
  const where = ['h.deleted_at is null'];
  if (f.environment !== undefined) where.push(`h.environment = ${p(f.environment, 'text')}`);
  if (f.tag !== undefined) where.push(`h.tags @> array[${p(f.tag, 'text')}]`);
  if (f.groupId !== undefined)
    where.push(
      `exists (select 1 from host_groups g where g.id = ${p(f.groupId, 'uuid')} and ${GROUP_MEMBER})`,
    );
  if (f.q !== undefined) {
    const like = p(`%${likeLiteral(f.q)}%`, 'text');
    where.push(`(h.hostname ilike ${like} or h.address ilike ${like})`);
  }
  if (f.os !== undefined) {
    const os = p(f.os.toLowerCase(), 'text');
    where.push(`(lower(h.os_id) = ${os} or lower(h.os_family) = ${os})`);
  }
  if (f.osVersion !== undefined) where.push(`h.os_version like ${p(`${likeLiteral(f.osVersion)}%`, 'text')}`);
  if (f.posture !== undefined) where.push(BAND_WHERE[f.posture]);
  if (f.liveness !== undefined) where.push(`h.liveness = ${p(f.liveness, 'text')}`);
  if (f.maintenance !== undefined)
    where.push(
      `(h.maintenance or exists (select 1 from host_groups g where g.maintenance and ${GROUP_MEMBER})) = ${p(f.maintenance, 'boolean')}`,
    );

  const sort = f.sort ?? 'name';
  const dir = f.order === 'desc' ? 'desc' : 'asc';
  const cmp = dir === 'desc' ? '<' : '>';
  const key = sort === 'name' ? undefined : SORT_KEYS[sort];
  const tuple = key ? [key.expr, 'lower(h.hostname)', 'h.id'] : ['lower(h.hostname)', 'h.id'];
  if (f.after) {
    const after = [p(f.after.name, 'text'), p(f.after.id, 'uuid')];
    if (key) after.unshift(p(f.after.key, key.type));
    where.push(`(${tuple.join(', ')}) ${cmp} (${after.join(', ')})`);
  }
  const { rows } = await q.query<HostListRow>(
    `select ${HOST_COLUMNS}, ${key ? `(${key.expr})::text` : 'null'} as sort_key
       from hosts h
      where ${where.join('\n        and ')}
      order by ${tuple.map((t) => `${t} ${dir}`).join(', ')}
      limit ${p(f.limit, 'int')}`,
    params,
  );
  return rows;
}
