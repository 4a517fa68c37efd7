import { stringSearch } from '../../components/search.ts';

/** `rule`: the rule open beside the list; the rest are the catalog's filters. */
export const rulesSearch = stringSearch(['rule', 'q', 'framework', 'severity', 'category', 'tag', 'platform']);
