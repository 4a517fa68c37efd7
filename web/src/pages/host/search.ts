import { stringSearch } from '../../components/search.ts';

/** `rule`: the rule whose evidence is open; `at`: posture as it was at this ISO time; `status`: the tab. */
export const hostSearch = stringSearch(['rule', 'at', 'status']);
