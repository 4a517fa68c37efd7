import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { band, pct } from '../../components/format.ts';
import { CountsList } from '../../components/CountsList.tsx';

/** The group's posture now (GET /api/v1/posture?group_id=): its members' verdicts pooled. */
export function GroupPosture({ groupId }: { groupId: string }) {
  const posture = useQuery({
    queryKey: ['/api/v1/posture', { group_id: groupId }],
    queryFn: () => call(() => client.GET('/api/v1/posture', { params: { query: { group_id: groupId } } })),
  });
  return (
    <Card title="Group posture">
      <FetchState query={posture} rows={3}>
        {(p) => (
          <div className="posture" data-testid="group-posture">
            <div className={`score-big band-${band(p.score)}`}>
              <span className="kpi-value" data-testid="group-score">
                {pct(p.score)}
              </span>
              <span className="muted small">
                {p.hosts.assessed} of {p.hosts.total} hosts assessed
                {p.score_with_exceptions !== p.score && ` · ${pct(p.score_with_exceptions)} with exceptions`}
              </span>
            </div>
            <CountsList counts={p.counts} />
          </div>
        )}
      </FetchState>
    </Card>
  );
}
