import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { HostFacts } from './HostFacts.tsx';
import { HostKeys } from './HostKeys.tsx';
import { HostPosture } from './HostPosture.tsx';
import { HostResults } from './HostResults.tsx';
import { HostTimeline } from './HostTimeline.tsx';
import { ScanHistory } from './ScanHistory.tsx';
import { ScanNow } from './ScanNow.tsx';

const route = getRouteApi('/app/hosts/$hostId');

export function HostDetail() {
  const { hostId } = route.useParams();
  const { can } = useSession();
  const host = useQuery({
    queryKey: ['/api/v1/hosts/{id}', hostId],
    queryFn: () => call(() => client.GET('/api/v1/hosts/{id}', { params: { path: { id: hostId } } })),
  });
  return (
    <FetchState query={host} rows={6}>
      {(h) => (
        <>
          <PageHeader
            title={
              <>
                {h.hostname} <StatusBadge status={h.liveness} />
              </>
            }
            sub={`${h.address}:${h.port} · ${h.environment}${h.in_maintenance ? ' · in maintenance' : ''}`}
            actions={can('scans:run') && <ScanNow hostId={hostId} />}
          />
          <div className="grid two">
            <HostPosture hostId={hostId} />
            <HostFacts host={h} />
          </div>
          <HostKeys hostId={hostId} />
          <HostResults hostId={hostId} />
          <div className="grid two">
            <HostTimeline hostId={hostId} />
            <ScanHistory hostId={hostId} />
          </div>
        </>
      )}
    </FetchState>
  );
}
