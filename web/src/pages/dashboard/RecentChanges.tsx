import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { ChangeList } from '../../components/ChangeList.tsx';

export function RecentChanges() {
  const q = useQuery({
    queryKey: ['/api/v1/changes', 'recent'],
    queryFn: () => call(() => client.GET('/api/v1/changes', { params: { query: { limit: 12 } } })),
  });
  return (
    <Card title="Recent changes">
      <FetchState
        query={q}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No verdict has changed yet. Changes appear after a host's second scan.</p>}
      >
        {(d) => <ChangeList items={d.items} showHost />}
      </FetchState>
    </Card>
  );
}
