import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { formatTime } from '../../components/format.ts';
import { CreateUser } from './CreateUser.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { UserRoles } from './UserRoles.tsx';

type Action = 'disable' | 'enable' | 'unlock' | 'mfa';

export function Users() {
  const { can, me } = useSession();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editingRoles, setEditingRoles] = useState<string | undefined>();
  const users = useQuery({
    queryKey: ['/api/v1/users'],
    queryFn: () => call(() => client.GET('/api/v1/users', { params: { query: { limit: 200 } } })),
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: Action }) => {
      const p = { params: { path: { id } } };
      return call(() => {
        switch (action) {
          case 'disable':
            return client.POST('/api/v1/users/{id}/disable', p);
          case 'enable':
            return client.POST('/api/v1/users/{id}/enable', p);
          case 'unlock':
            return client.POST('/api/v1/users/{id}/unlock', p);
          case 'mfa':
            return client.DELETE('/api/v1/users/{id}/mfa', p);
        }
      });
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/users'] }),
  });
  const manage = can('users:manage');
  return (
    <>
      <PageHeader
        title="Users"
        sub="People who sign in to OpenWatch and the roles that decide what they may do."
        actions={
          manage && (
            <button type="button" className="primary" onClick={() => setCreating((c) => !c)}>
              {creating ? 'Close' : 'Add user'}
            </button>
          )
        }
      />
      {creating && <CreateUser onDone={() => setCreating(false)} />}
      {act.error && <Problem error={act.error} />}
      <FetchState query={users} rows={5}>
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['User', 'Roles', 'MFA', 'State', 'Created', '']} />
              <tbody>
                {d.items.map((u) => (
                  <Fragment key={u.id}>
                    <tr data-user={u.username}>
                      <td>
                        <span className="strong">{u.display_name || u.username}</span>
                        <span className="muted small block">
                          {u.username} · {u.email}
                        </span>
                      </td>
                      <td>
                        {u.roles.map((r) => (
                          <span key={r} className="tag">
                            {r}
                          </span>
                        ))}
                      </td>
                      <td>{u.mfa_enabled ? 'Enrolled' : <span className="muted">Off</span>}</td>
                      <td>{u.deleted ? 'Deleted' : u.disabled ? 'Disabled' : 'Active'}</td>
                      <td>{formatTime(u.created_at)}</td>
                      <td className="actions">
                        {manage && u.id !== me.id && !u.deleted && (
                          <>
                            {can('roles:read') && (
                              <button
                                type="button"
                                onClick={() => setEditingRoles(editingRoles === u.id ? undefined : u.id)}
                              >
                                Roles
                              </button>
                            )}
                            <button
                              type="button"
                              onClick={() =>
                                act.mutate({ id: u.id, action: u.disabled ? 'enable' : 'disable' })
                              }
                            >
                              {u.disabled ? 'Enable' : 'Disable'}
                            </button>
                            <button type="button" onClick={() => act.mutate({ id: u.id, action: 'unlock' })}>
                              Unlock
                            </button>
                            {u.mfa_enabled && (
                              <button type="button" onClick={() => act.mutate({ id: u.id, action: 'mfa' })}>
                                Reset MFA
                              </button>
                            )}
                          </>
                        )}
                      </td>
                    </tr>
                    {editingRoles === u.id && (
                      <tr>
                        <td colSpan={6}>
                          <UserRoles
                            userId={u.id}
                            username={u.username}
                            current={u.roles}
                            onDone={() => setEditingRoles(undefined)}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FetchState>
    </>
  );
}
