import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import type { Group, GroupPatch } from './group-types.ts';
import { OS_FAMILIES, osFamilyOf } from './os-families.ts';

/** Rename, describe, gather an OS family automatically, and switch the group's maintenance. */
export function GroupSettings({ group, editable }: { group: Group; editable: boolean }) {
  const qc = useQueryClient();
  const [f, setF] = useState({
    name: group.name,
    description: group.description,
    auto: group.auto_os_family ?? '',
  });
  const patch = useMutation({
    mutationFn: (body: GroupPatch) =>
      call(() => client.PATCH('/api/v1/groups/{id}', { params: { path: { id: group.id } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups/{id}', group.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    patch.mutate({ name: f.name, description: f.description, auto_os_family: osFamilyOf(f.auto) });
  };
  const maintenance = (
    <div className="row-inline" data-testid="group-maintenance">
      <span>
        Maintenance is <strong>{group.maintenance ? 'on' : 'off'}</strong>: scheduled scans{' '}
        {group.maintenance ? 'skip' : 'include'} its hosts.
      </span>
      {editable && (
        <button
          type="button"
          disabled={patch.isPending}
          onClick={() => patch.mutate({ maintenance: !group.maintenance })}
        >
          {group.maintenance ? 'End maintenance' : 'Start maintenance'}
        </button>
      )}
    </div>
  );
  if (!editable)
    return (
      <Card title="Settings">
        <p>{group.auto_os_family ? `Every ${group.auto_os_family} host is a member.` : 'Members by hand.'}</p>
        {maintenance}
      </Card>
    );
  return (
    <Card title="Settings">
      {maintenance}
      <form onSubmit={submit} noValidate className="stack spaced-top">
        <div className="row">
          <Field id="gs-name" label="Name" error={fieldError(patch.error, 'name')}>
            <input id="gs-name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          </Field>
          <Field id="gs-auto" label="Also include every host of OS family">
            <select id="gs-auto" value={f.auto} onChange={(e) => setF({ ...f, auto: e.target.value })}>
              <option value="">none</option>
              {OS_FAMILIES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field id="gs-description" label="Description" error={fieldError(patch.error, 'description')}>
          <input
            id="gs-description"
            value={f.description}
            onChange={(e) => setF({ ...f, description: e.target.value })}
          />
        </Field>
        {patch.error && <Problem error={patch.error} title="The group was not changed" />}
        <div>
          <button type="submit" className="primary" disabled={patch.isPending}>
            Save group
          </button>
        </div>
      </form>
    </Card>
  );
}
