import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { GroupMembers } from './GroupMembers.tsx';
import { GroupPosture } from './GroupPosture.tsx';
import { GroupSettings } from './GroupSettings.tsx';
import { ScanGroup } from './ScanGroup.tsx';
import '../../styles/admin.css';

const route = getRouteApi('/app/groups/$groupId');

export const groupKey = (id: string) => ['/api/v1/groups/{id}', id] as const;

/** One group: its posture, settings (name, maintenance, automatic OS family), members and a group scan. */
export function GroupDetail() {
  const { groupId } = route.useParams();
  const { can } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const group = useQuery({
    queryKey: groupKey(groupId),
    queryFn: () => call(() => client.GET('/api/v1/groups/{id}', { params: { path: { id: groupId } } })),
  });
  const remove = useMutation({
    mutationFn: () => call(() => client.DELETE('/api/v1/groups/{id}', { params: { path: { id: groupId } } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups'] });
      void navigate({ to: '/groups' });
    },
  });
  const manage = can('hosts:manage');
  return (
    <FetchState query={group} rows={6}>
      {(g) => (
        <>
          <PageHeader
            title={
              <>
                {g.name} {g.maintenance && <span className="pill">in maintenance</span>}
              </>
            }
            sub={`${g.host_count} host${g.host_count === 1 ? '' : 's'}${g.description ? ` · ${g.description}` : ''}`}
            actions={
              <>
                {can('scans:run') && <ScanGroup groupId={g.id} />}
                {manage && !confirming && (
                  <button type="button" className="danger" onClick={() => setConfirming(true)}>
                    Delete group
                  </button>
                )}
                {manage && confirming && (
                  <>
                    <button
                      type="button"
                      className="danger"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate()}
                    >
                      Delete {g.name} (its hosts stay)
                    </button>
                    <button type="button" onClick={() => setConfirming(false)}>
                      Keep
                    </button>
                  </>
                )}
              </>
            }
          />
          {remove.error && <Problem error={remove.error} title="The group was not deleted" />}
          <div className="grid two">
            {can('results:read') && <GroupPosture groupId={g.id} />}
            <GroupSettings group={g} editable={manage} />
          </div>
          <GroupMembers group={g} editable={manage} />
        </>
      )}
    </FetchState>
  );
}
