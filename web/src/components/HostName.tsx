import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { call, client } from '../api/client.ts';

/** A host's name linking to its page; lists that carry only a host id share the cached host. */
export function HostName({ id }: { id: string }) {
  const host = useQuery({
    queryKey: ['/api/v1/hosts/{id}', id],
    queryFn: () => call(() => client.GET('/api/v1/hosts/{id}', { params: { path: { id } } })),
    staleTime: 60_000,
  });
  return (
    <Link to="/hosts/$hostId" params={{ hostId: id }}>
      {host.data?.hostname ?? id.slice(0, 8)}
    </Link>
  );
}
