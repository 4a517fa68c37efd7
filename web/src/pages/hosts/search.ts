import { stringSearch } from '../../components/search.ts';

/** The hosts page's filters: text (name or address), tag, environment. */
export const hostsSearch = stringSearch(['q', 'tag', 'environment']);
export type HostsSearch = ReturnType<typeof hostsSearch>;
