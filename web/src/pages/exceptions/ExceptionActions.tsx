import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../../api/client.ts';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { Problem } from '../../components/Problem.tsx';

type Exception =
  paths['/api/v1/exceptions']['get']['responses'][200]['content']['application/json']['items'][number];

/** Approve / reject for someone else's request; revoke for an approved one. Offered only when allowed. */
export function ExceptionActions({ exception: x }: { exception: Exception }) {
  const { can, me } = useSession();
  const qc = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'approve' | 'reject' | 'revoke') => {
      const path = { params: { path: { id: x.id } } };
      if (action === 'revoke') {
        return call(() =>
          client.POST('/api/v1/exceptions/{id}/revoke', {
            ...path,
            body: { reason: 'Revoked in the console' },
          }),
        );
      }
      const body = { comment: action === 'approve' ? 'Approved in the console' : 'Rejected in the console' };
      return call(() =>
        action === 'approve'
          ? client.POST('/api/v1/exceptions/{id}/approve', { ...path, body })
          : client.POST('/api/v1/exceptions/{id}/reject', { ...path, body }),
      );
    },
    onSuccess: () => void qc.invalidateQueries(),
  });
  const own = x.requested_by?.id === me.id;
  return (
    <>
      {x.state === 'requested' && can('exceptions:approve') && !own && (
        <>
          <button type="button" onClick={() => act.mutate('approve')} disabled={act.isPending}>
            Approve
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => act.mutate('reject')}
            disabled={act.isPending}
          >
            Reject
          </button>
        </>
      )}
      {x.state === 'requested' && own && <span className="muted small">Awaiting another approver</span>}
      {x.state === 'approved' && (can('exceptions:approve') || own) && (
        <button
          type="button"
          className="danger"
          onClick={() => act.mutate('revoke')}
          disabled={act.isPending}
        >
          Revoke
        </button>
      )}
      {act.error && <Problem error={act.error} />}
    </>
  );
}
