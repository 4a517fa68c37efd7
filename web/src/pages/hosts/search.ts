import { stringSearch } from '../../components/search.ts';

export const SORTS = ['name', 'address', 'os', 'score', 'last_scan', 'liveness'] as const;
export type Sort = (typeof SORTS)[number];
const ENUMS = {
  sort: SORTS,
  order: ['asc', 'desc'],
  posture: ['good', 'fair', 'poor', 'unscanned'],
  liveness: ['online', 'degraded', 'critical', 'down', 'unknown'],
  maintenance: ['true', 'false'],
} as const;
type Enums = typeof ENUMS;

const text = stringSearch(['q', 'tag', 'environment', 'group', 'os', 'os_version']);

/**
 * The hosts page's state in the URL (shareable): free-text filters as typed, and the sort, order and
 * band filters only when they are values the API accepts, so a hand-edited link cannot break the page.
 */
export function hostsSearch(s: Record<string, unknown>) {
  const out: ReturnType<typeof text> & { [K in keyof Enums]?: Enums[K][number] } = text(s);
  for (const k of Object.keys(ENUMS) as Array<keyof Enums>) {
    const v = s[k];
    if ((ENUMS[k] as readonly unknown[]).includes(v)) Object.assign(out, { [k]: v });
  }
  return out;
}
export type HostsSearch = ReturnType<typeof hostsSearch>;
