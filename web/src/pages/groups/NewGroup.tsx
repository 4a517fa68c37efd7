import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { OS_FAMILIES, osFamilyOf } from './os-families.ts';

export function NewGroup({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [f, setF] = useState({ name: '', description: '', auto: '' });
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/groups', {
          body: { name: f.name, description: f.description, auto_os_family: osFamilyOf(f.auto) },
        }),
      ),
    onSuccess: (g) => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups'] });
      onDone();
      void navigate({ to: '/groups/$groupId', params: { groupId: g.id } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="New group">
      <form onSubmit={submit} noValidate className="stack">
        <div className="row">
          <Field id="g-name" label="Group name" error={fieldError(create.error, 'name')}>
            <input id="g-name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          </Field>
          <Field id="g-description" label="Description" error={fieldError(create.error, 'description')}>
            <input
              id="g-description"
              value={f.description}
              onChange={(e) => setF({ ...f, description: e.target.value })}
            />
          </Field>
          <Field id="g-auto" label="Also include every host of OS family">
            <select id="g-auto" value={f.auto} onChange={(e) => setF({ ...f, auto: e.target.value })}>
              <option value="">none (members by hand only)</option>
              {OS_FAMILIES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {create.error && <Problem error={create.error} title="The group was not created" />}
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create group
          </button>
        </div>
      </form>
    </Card>
  );
}
