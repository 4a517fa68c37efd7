import { useQuery } from '@tanstack/react-query';
import { changesQuery } from './queries.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { ChangeList } from '../../components/ChangeList.tsx';

export function RecentChanges() {
  const q = useQuery({
    ...changesQuery,
    // A host's first scan records its failing rules as first verdicts; only real transitions are changes.
    select: (d) => d.items.filter((c) => c.previous_status !== null).slice(0, 20),
  });
  return (
    <Card title="Recent changes">
      <FetchState
        query={q}
        isEmpty={(d) => d.length === 0}
        empty={<p>No verdict has changed yet. Changes appear after a host's second scan.</p>}
      >
        {(d) => <ChangeList items={d} showHost />}
      </FetchState>
    </Card>
  );
}
