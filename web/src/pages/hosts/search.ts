export interface HostsSearch {
  q?: string;
  tag?: string;
  environment?: string;
}

/** The hosts page's filters live in the URL so a filtered view can be shared and reloaded. */
export function hostsSearch(s: Record<string, unknown>): HostsSearch {
  const out: HostsSearch = {};
  for (const k of ['q', 'tag', 'environment'] as const) {
    const v = s[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}
