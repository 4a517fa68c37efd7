import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { useSession } from '../../app/session.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { PermissionPicker } from './PermissionPicker.tsx';

export interface RoleDraft {
  name: string;
  description: string;
  permissions: string[];
}

/** Creates a custom role (no `role`) or edits one; the name is fixed once the role exists. */
export function RoleForm({ role, onDone }: { role?: RoleDraft; onDone: () => void }) {
  const qc = useQueryClient();
  const { can } = useSession();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [perms, setPerms] = useState<Set<string>>(() => new Set(role?.permissions ?? []));
  const save = useMutation({
    mutationFn: () => {
      const permissions = [...perms].sort();
      return role
        ? call(() =>
            client.PATCH('/api/v1/roles/{name}', {
              params: { path: { name: role.name } },
              body: { description, permissions },
            }),
          )
        : call(() => client.POST('/api/v1/roles', { body: { name, description, permissions } }));
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/roles'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title={role ? `Edit role ${role.name}` : 'New role'}>
      <form onSubmit={submit} noValidate className="stack">
        <div className="row">
          <Field
            id="role-name"
            label="Role name"
            hint="Lower case letters, digits and _; 2 to 63 characters, starting with a letter."
            error={fieldError(save.error, 'name')}
          >
            <input
              id="role-name"
              value={name}
              readOnly={role !== undefined}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field id="role-description" label="Description" error={fieldError(save.error, 'description')}>
            <input
              id="role-description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
        </div>
        <p className="muted small">
          {perms.size} permission{perms.size === 1 ? '' : 's'} selected. You can grant only permissions you
          hold yourself.
        </p>
        <PermissionPicker value={perms} onChange={setPerms} held={can} />
        {fieldError(save.error, 'permissions') && (
          <p className="field-error" role="alert">
            {fieldError(save.error, 'permissions')}
          </p>
        )}
        {save.error && <Problem error={save.error} title="The role was not saved" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {role ? 'Save role' : 'Create role'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}
