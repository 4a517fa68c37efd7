import { z } from 'zod';

/** `limit` of a cursor-paginated list: 1 to `max`, `dflt` when absent. */
export const pageLimit = (dflt = 100, max = 500) => z.coerce.number().int().min(1).max(max).default(dflt);

/** An ISO 8601 time with offset, parsed to a Date. */
export const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** The response shape of every cursor-paginated list. */
export const pageSchema = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/**
 * One page from rows fetched with `limit + 1`: the extra row only says another page exists, and the
 * cursor names the last row shown.
 */
export function page<R, V>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => V,
  cursorOf: (row: R) => string,
): { items: V[]; next_cursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(view), next_cursor: rows.length > limit && last ? cursorOf(last) : null };
}
