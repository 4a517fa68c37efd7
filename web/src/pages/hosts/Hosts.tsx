import { useInfiniteQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { HostFilters } from './HostFilters.tsx';
import { HostTable } from './HostTable.tsx';
import { BulkActions } from './BulkActions.tsx';

const route = getRouteApi('/app/hosts');
const PAGE = 200;

export function Hosts() {
  const search = route.useSearch();
  const { can } = useSession();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const hosts = useInfiniteQuery({
    queryKey: ['/api/v1/hosts', search],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/hosts', {
          params: { query: { ...search, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: (prev) => prev,
  });
  const selectable = can('scans:run') || can('hosts:manage');
  const names = useMemo(
    () => new Map(hosts.data?.pages.flatMap((p) => p.items.map((h) => [h.id, h.hostname] as const))),
    [hosts.data],
  );
  return (
    <>
      <PageHeader
        title="Hosts"
        sub="Every Linux host OpenWatch scans over SSH."
        actions={
          can('hosts:manage') && (
            <>
              <Link to="/hosts/import" className="button">
                Import hosts
              </Link>
              <Link to="/hosts/new" className="button primary">
                Add host
              </Link>
            </>
          )
        }
      />
      <HostFilters search={search} />
      {selectable && selected.size > 0 && (
        <BulkActions ids={selected} names={names} onClear={() => setSelected(new Set())} />
      )}
      <FetchState
        query={hosts}
        rows={8}
        isEmpty={(d) => d.pages[0]?.items.length === 0}
        empty={
          Object.keys(search).some((k) => k !== 'sort' && k !== 'order') ? (
            <p>No host matches these filters.</p>
          ) : (
            <>
              <h2>No hosts yet</h2>
              <p>Register a host and the SSH credential OpenWatch logs in with, then scan it.</p>
            </>
          )
        }
      >
        {(d) => (
          <HostTable
            rows={d.pages.flatMap((p) => p.items)}
            search={search}
            selectable={selectable}
            selected={selected}
            onSelect={setSelected}
            hasMore={hosts.hasNextPage}
            loadMore={() => void hosts.fetchNextPage()}
            loadingMore={hosts.isFetchingNextPage}
          />
        )}
      </FetchState>
    </>
  );
}
