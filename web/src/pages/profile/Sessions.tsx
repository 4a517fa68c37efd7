import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { useSignOut } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { ago, formatTime } from '../../components/format.ts';
import { TableHead } from '../../components/TableHead.tsx';

const KEY = ['/api/v1/auth/sessions'];

/** Where you are signed in; revoking one ends it at its next request, revoking this one signs you out. */
export function Sessions() {
  const qc = useQueryClient();
  const signOut = useSignOut();
  const sessions = useQuery({
    queryKey: KEY,
    queryFn: () => call(() => client.GET('/api/v1/auth/sessions')),
  });
  const revoke = useMutation({
    mutationFn: async ({ id }: { id: string; current: boolean }) =>
      call(() => client.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } })),
    onSuccess: (_d, { current }) => {
      if (current) void signOut();
      else void qc.invalidateQueries({ queryKey: KEY });
    },
  });
  return (
    <Card title="Sessions">
      <FetchState query={sessions} isEmpty={(d) => d.items.length === 0} empty={<p>No other sessions.</p>}>
        {(d) => (
          <table data-testid="sessions">
            <TableHead cols={['Signed in', 'Last used', 'Address', 'Browser', '']} />
            <tbody>
              {d.items.map((s) => (
                <tr key={s.id} data-session={s.id}>
                  <td>
                    {formatTime(s.created_at)}
                    {s.current && <span className="badge badge-approved current-session">This session</span>}
                  </td>
                  <td title={formatTime(s.last_used_at)}>{ago(s.last_used_at)}</td>
                  <td className="mono small">{s.ip ?? '—'}</td>
                  <td className="small wrap">{s.user_agent ?? '—'}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="danger"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: s.id, current: s.current })}
                    >
                      {s.current ? 'End this session' : 'Revoke'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </FetchState>
      {revoke.error && <Problem error={revoke.error} title="The session was not revoked" />}
    </Card>
  );
}
