import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { RoleForm, type RoleDraft } from './RoleForm.tsx';
import '../../styles/admin.css';

/** Built-in roles (read-only) and custom roles made from the permission registry. */
export function Roles() {
  const { can } = useSession();
  const qc = useQueryClient();
  const manage = can('roles:manage');
  const [editing, setEditing] = useState<RoleDraft | 'new' | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  const roles = useQuery({
    queryKey: ['/api/v1/roles'],
    queryFn: () => call(() => client.GET('/api/v1/roles')),
  });
  const remove = useMutation({
    mutationFn: (name: string) =>
      call(() => client.DELETE('/api/v1/roles/{name}', { params: { path: { name } } })),
    onSuccess: () => {
      setDeleting(undefined);
      void qc.invalidateQueries({ queryKey: ['/api/v1/roles'] });
    },
  });
  return (
    <>
      <PageHeader
        title="Roles"
        sub="What each role may do. Built-in roles are fixed; custom roles combine permissions from the registry."
        actions={
          manage &&
          editing === undefined && (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New role
            </button>
          )
        }
      />
      {editing !== undefined && (
        <RoleForm
          key={editing === 'new' ? '' : editing.name}
          {...(editing === 'new' ? {} : { role: editing })}
          onDone={() => setEditing(undefined)}
        />
      )}
      {remove.error && <Problem error={remove.error} title="The role was not deleted" />}
      <FetchState query={roles} rows={6}>
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Role', 'Permissions', '']} />
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.name} data-role={r.name}>
                    <td>
                      <span className="strong mono">{r.name}</span>
                      {r.builtin && <span className="pill">built-in</span>}
                      <span className="muted small block">{r.description || '—'}</span>
                    </td>
                    <td className="role-perms">
                      {r.permissions.map((p) => (
                        <span key={p} className="tag mono">
                          {p}
                        </span>
                      ))}
                    </td>
                    <td className="actions">
                      {manage && !r.builtin && deleting !== r.name && (
                        <>
                          <button type="button" onClick={() => setEditing(r)}>
                            Edit
                          </button>
                          <button type="button" className="danger" onClick={() => setDeleting(r.name)}>
                            Delete
                          </button>
                        </>
                      )}
                      {deleting === r.name && (
                        <>
                          <button
                            type="button"
                            className="danger"
                            disabled={remove.isPending}
                            onClick={() => remove.mutate(r.name)}
                          >
                            Delete {r.name}
                          </button>
                          <button type="button" onClick={() => setDeleting(undefined)}>
                            Keep
                          </button>
                        </>
                      )}
                    </td>
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
