import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { formatTime } from '../../components/format.ts';
import { NewGroup } from './NewGroup.tsx';
import '../../styles/admin.css';

/** Host groups: membership, maintenance and the entry to each group's page. */
export function Groups() {
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const groups = useQuery({
    queryKey: ['/api/v1/groups'],
    queryFn: () => call(() => client.GET('/api/v1/groups')),
  });
  const manage = can('hosts:manage');
  return (
    <>
      <PageHeader
        title="Groups"
        sub="Hosts grouped by hand or by OS family: scan them together, put them in maintenance, read their posture."
        actions={
          manage && (
            <button type="button" className="primary" onClick={() => setCreating((c) => !c)}>
              {creating ? 'Close' : 'New group'}
            </button>
          )
        }
      />
      {creating && <NewGroup onDone={() => setCreating(false)} />}
      <FetchState
        query={groups}
        rows={4}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No groups yet. {manage ? 'Create one, then add hosts to it.' : ''}</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Group', ['Hosts', 'num'], 'Automatic members', 'Maintenance', 'Updated']} />
              <tbody>
                {d.items.map((g) => (
                  <tr key={g.id} data-group={g.name}>
                    <td>
                      <Link to="/groups/$groupId" params={{ groupId: g.id }} className="strong">
                        {g.name}
                      </Link>
                      <span className="muted small block">{g.description || '—'}</span>
                    </td>
                    <td className="num">{g.host_count}</td>
                    <td>{g.auto_os_family ? `every ${g.auto_os_family} host` : '—'}</td>
                    <td>{g.maintenance ? <span className="pill">in maintenance</span> : 'off'}</td>
                    <td>{formatTime(g.updated_at)}</td>
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
