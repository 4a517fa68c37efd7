import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { Card } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { formatTime } from '../../components/format.ts';

/** The host's SSH keys: the pinned one, and a changed key waiting for approval or rejection. */
export function HostKeys({ hostId }: { hostId: string }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const keys = useQuery({
    queryKey: ['/api/v1/hosts/{id}/host-keys', hostId],
    queryFn: () =>
      call(() => client.GET('/api/v1/hosts/{id}/host-keys', { params: { path: { id: hostId } } })),
  });
  const decide = useMutation({
    mutationFn: ({ keyId, action }: { keyId: string; action: 'approve' | 'reject' }) =>
      call(() =>
        action === 'approve'
          ? client.POST('/api/v1/hosts/{id}/host-keys/{keyId}/approve', {
              params: { path: { id: hostId, keyId } },
            })
          : client.POST('/api/v1/hosts/{id}/host-keys/{keyId}/reject', {
              params: { path: { id: hostId, keyId } },
            }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/hosts/{id}/host-keys', hostId] }),
  });
  const items = keys.data?.items.filter((k) => k.status !== 'retired') ?? [];
  const pending = items.some((k) => k.status === 'pending');
  if (keys.isError) return <Problem error={keys.error} />;
  return (
    <Card title="SSH host key" className={pending ? 'attention' : undefined}>
      {pending && (
        <p className="notice warn">
          The host offered a different key than the one pinned. Scans stop until you approve the new key
          (after checking it with the host's owner) or reject it.
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">No key pinned yet; the first scan pins it under trust on first use.</p>
      ) : (
        <table className="compact">
          <tbody>
            {items.map((k) => (
              <tr key={k.id}>
                <td className="mono">
                  {k.key_type} {k.fingerprint}
                </td>
                <td>
                  <StatusBadge status={k.status} />
                </td>
                <td className="muted small">first seen {formatTime(k.first_seen_at)}</td>
                <td className="actions">
                  {k.status === 'pending' && can('hosts:manage') && (
                    <>
                      <button type="button" onClick={() => decide.mutate({ keyId: k.id, action: 'approve' })}>
                        Approve
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => decide.mutate({ keyId: k.id, action: 'reject' })}
                      >
                        Reject
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {decide.error && <Problem error={decide.error} />}
    </Card>
  );
}
