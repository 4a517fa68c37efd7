import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { ChangeList } from '../../components/ChangeList.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';

/** Verdict changes on this host, newest first (first verdicts of a host's first scan are left out). */
export function HostTimeline({ hostId }: { hostId: string }) {
  const changes = useQuery({
    queryKey: ['/api/v1/changes', { host_id: hostId }],
    queryFn: () =>
      call(() => client.GET('/api/v1/changes', { params: { query: { host_id: hostId, limit: 100 } } })),
  });
  return (
    <Card title="Timeline">
      <FetchState
        query={changes}
        isEmpty={(d) => d.items.every((c) => c.previous_status === null)}
        empty={<p>No verdict has changed since the first scan.</p>}
      >
        {(d) => (
          <div data-testid="timeline">
            <ChangeList items={d.items.filter((c) => c.previous_status !== null)} />
          </div>
        )}
      </FetchState>
    </Card>
  );
}
