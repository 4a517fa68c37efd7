/**
 * A route's search params as named optional strings: anything else in the URL is dropped, so a page's
 * filters can be shared and reloaded but never carry what the page does not read.
 */
export function stringSearch<K extends string>(keys: readonly K[]) {
  return (s: Record<string, unknown>): Partial<Record<K, string>> => {
    const out: Partial<Record<K, string>> = {};
    for (const k of keys) {
      const v = s[k];
      if (typeof v === 'string' && v !== '') out[k] = v;
    }
    return out;
  };
}
