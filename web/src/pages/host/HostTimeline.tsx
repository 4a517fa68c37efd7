import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { ChangeList } from '../../components/ChangeList.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';

/** Verdict changes to or from fail on this host, newest first (first verdicts are left out). */
export function HostTimeline({ hostId }: { hostId: string }) {
  const changes = useQuery({
    queryKey: ['/api/v1/changes', { host_id: hostId }],
    queryFn: () =>
      call(() => client.GET('/api/v1/changes', { params: { query: { host_id: hostId, limit: 200 } } })),
    select: (d) => d.items.filter((c) => c.previous_status !== null),
  });
  return (
    <Card title="Timeline">
      <FetchState
        query={changes}
        isEmpty={(d) => d.length === 0}
        empty={<p>No verdict has changed since the first scan.</p>}
      >
        {(d) => (
          <div data-testid="timeline">
            <ChangeList items={d} />
          </div>
        )}
      </FetchState>
    </Card>
  );
}
