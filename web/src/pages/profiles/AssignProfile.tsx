import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

/** Assigns a profile to a host or a group by id; the answer says what the host now runs and why. */
export function AssignProfile({ profileId }: { profileId: string }) {
  const qc = useQueryClient();
  const [target, setTarget] = useState<'host' | 'group'>('host');
  const [id, setId] = useState('');
  const assign = useMutation({
    mutationFn: () => {
      const opts = { params: { path: { id: id.trim() } }, body: { profile_id: profileId } };
      return target === 'host'
        ? call(() => client.PUT('/api/v1/hosts/{id}/profile', opts)).then(
            (r) =>
              `host now runs ${r.effective.profile_id ?? 'every rule'} (${r.effective.source ?? 'none'})`,
          )
        : call(() => client.PUT('/api/v1/groups/{id}/profile', opts)).then(
            (r) => `group now uses ${r.assigned ?? 'none'}`,
          );
    },
    onSuccess: () => void qc.invalidateQueries(),
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        assign.mutate();
      }}
    >
      <Field id="assign-target" label="Assign to">
        <select
          id="assign-target"
          value={target}
          onChange={(e) => setTarget(e.target.value as 'host' | 'group')}
        >
          <option value="host">Host</option>
          <option value="group">Group</option>
        </select>
      </Field>
      <Field id="assign-id" label={`${target === 'host' ? 'Host' : 'Group'} id`}>
        <input id="assign-id" value={id} onChange={(e) => setId(e.target.value)} />
      </Field>
      <button type="submit" disabled={assign.isPending || id.trim() === ''}>
        Assign
      </button>
      {assign.data && <p role="status">{assign.data}</p>}
      {assign.error && <Problem error={assign.error} />}
    </form>
  );
}
