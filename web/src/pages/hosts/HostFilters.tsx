import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { call, client } from '../../api/client.ts';
import { hostsSearch, type HostsSearch } from './search.ts';

type Draft = Omit<HostsSearch, 'sort' | 'order'>;
const TEXT = [
  ['q', 'Search', 'Name or address'],
  ['tag', 'Tag', 'e.g. pci'],
  ['environment', 'Environment', 'e.g. production'],
  ['os', 'OS', 'e.g. ubuntu'],
  ['os_version', 'Version', 'e.g. 22.04'],
] as const;
const CHOICES = {
  posture: [
    ['good', 'Good (≥ 90 %)'],
    ['fair', 'Fair (70–90 %)'],
    ['poor', 'Poor (< 70 %)'],
    ['unscanned', 'Not scanned'],
  ],
  liveness: [
    ['online', 'Online'],
    ['degraded', 'Degraded'],
    ['critical', 'Critical'],
    ['down', 'Down'],
    ['unknown', 'Unknown'],
  ],
  maintenance: [
    ['true', 'In maintenance'],
    ['false', 'Not in maintenance'],
  ],
} as const;
const LABEL = { posture: 'Posture', liveness: 'Liveness', maintenance: 'Maintenance' } as const;

const draftOf = ({ sort: _s, order: _o, ...rest }: HostsSearch): Draft => rest;

/**
 * Filters apply on the server and live in the URL. Typing is debounced so 10,000 hosts do not mean a
 * request per key; a choice from a list applies at once.
 */
export function HostFilters({ search }: { search: HostsSearch }) {
  const navigate = useNavigate({ from: '/hosts' });
  const [draft, setDraft] = useState<Draft>(() => draftOf(search));
  const groups = useQuery({
    queryKey: ['/api/v1/groups'],
    queryFn: () => call(() => client.GET('/api/v1/groups')),
  });
  useEffect(() => {
    const t = setTimeout(() => {
      const next = hostsSearch({ ...draft, sort: search.sort, order: search.order });
      if (JSON.stringify(next) !== JSON.stringify(search)) void navigate({ search: next, replace: true });
    }, 150);
    return () => clearTimeout(t);
  }, [draft, search, navigate]);
  const set = (k: keyof Draft, v: string) => setDraft((d) => ({ ...d, [k]: v || undefined }));
  return (
    <form className="filters" role="search" aria-label="Filter hosts" onSubmit={(e) => e.preventDefault()}>
      {TEXT.map(([k, label, hint]) => (
        <label key={k} className={k === 'q' ? 'wide' : undefined}>
          <span>{label}</span>
          <input
            type={k === 'q' ? 'search' : 'text'}
            placeholder={hint}
            value={draft[k] ?? ''}
            onChange={(e) => set(k, e.target.value)}
          />
        </label>
      ))}
      {(Object.keys(CHOICES) as Array<keyof typeof CHOICES>).map((k) => (
        <label key={k}>
          <span>{LABEL[k]}</span>
          <select aria-label={LABEL[k]} value={draft[k] ?? ''} onChange={(e) => set(k, e.target.value)}>
            <option value="">Any</option>
            {CHOICES[k].map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label>
        <span>Group</span>
        <select aria-label="Group" value={draft.group ?? ''} onChange={(e) => set('group', e.target.value)}>
          <option value="">Any</option>
          {groups.data?.items.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      {Object.values(draft).some(Boolean) && (
        <button type="button" onClick={() => setDraft({})}>
          Clear filters
        </button>
      )}
    </form>
  );
}
