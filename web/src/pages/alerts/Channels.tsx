import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { formatTime } from '../../components/format.ts';
import { ChannelForm } from './ChannelForm.tsx';

const KEY = ['/api/v1/channels'];

/** Where alerts are sent: list, create, send a test, delete. Secrets are never shown again. */
export function Channels() {
  const { can } = useSession();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [tested, setTested] = useState<string>();
  const channels = useQuery({ queryKey: KEY, queryFn: () => call(() => client.GET('/api/v1/channels')) });
  const test = useMutation({
    mutationFn: (id: string) =>
      call(() => client.POST('/api/v1/channels/{id}/test', { params: { path: { id } } })),
    onSuccess: (_d, id) => setTested(id),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/channels/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const manage = can('alerts:manage');
  return (
    <>
      <PageHeader
        title="Notification channels"
        sub={
          <>
            Where alert rules send alerts. <Link to="/alerts">Back to alerts</Link>
          </>
        }
        actions={
          manage &&
          !adding && (
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              New channel
            </button>
          )
        }
      />
      {adding && <ChannelForm onDone={() => setAdding(false)} />}
      {tested && (
        <p className="notice" role="status">
          Test message queued; its outcome appears in the channel’s delivery log.
        </p>
      )}
      {(test.error ?? remove.error) && <Problem error={test.error ?? remove.error} />}
      <FetchState
        query={channels}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No channels yet. Add a webhook, Slack or e-mail channel, then route alert rules to it.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table data-testid="channels">
              <TableHead cols={['Name', 'Type', 'Settings', 'Enabled', 'Created', ...(manage ? [''] : [])]} />
              <tbody>
                {d.items.map((c) => (
                  <tr key={c.id} data-channel={c.id}>
                    <td>{c.name}</td>
                    <td>{c.type}</td>
                    <td className="mono small wrap">
                      {Object.keys(c.config).length > 0 ? JSON.stringify(c.config) : '—'}
                    </td>
                    <td>{c.enabled ? 'yes' : 'no'}</td>
                    <td>{formatTime(c.created_at)}</td>
                    {manage && (
                      <td className="actions">
                        <div className="row-actions">
                          <button type="button" disabled={test.isPending} onClick={() => test.mutate(c.id)}>
                            Send test
                          </button>
                          <button
                            type="button"
                            className="danger"
                            disabled={remove.isPending}
                            onClick={() => remove.mutate(c.id)}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FetchState>
    </>
  );
}
