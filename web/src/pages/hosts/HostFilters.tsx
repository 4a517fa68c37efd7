import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { HostsSearch } from './search.ts';

/** Filters apply on the server; typing is debounced so 10,000 hosts do not mean 10,000 requests. */
export function HostFilters({ search }: { search: HostsSearch }) {
  const navigate = useNavigate({ from: '/hosts' });
  const [q, setQ] = useState(search.q ?? '');
  const [tag, setTag] = useState(search.tag ?? '');
  const [env, setEnv] = useState(search.environment ?? '');
  useEffect(() => {
    const t = setTimeout(() => {
      const next = { ...(q ? { q } : {}), ...(tag ? { tag } : {}), ...(env ? { environment: env } : {}) };
      if (JSON.stringify(next) !== JSON.stringify(search)) void navigate({ search: next, replace: true });
    }, 150);
    return () => clearTimeout(t);
  }, [q, tag, env, search, navigate]);
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span>Search</span>
        <input type="search" placeholder="Name or address" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <label>
        <span>Tag</span>
        <input placeholder="e.g. pci" value={tag} onChange={(e) => setTag(e.target.value)} />
      </label>
      <label>
        <span>Environment</span>
        <input placeholder="e.g. production" value={env} onChange={(e) => setEnv(e.target.value)} />
      </label>
    </form>
  );
}
