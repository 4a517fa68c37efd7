import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Problem } from '../../components/Problem.tsx';

/** Replaces a user's roles (PUT /api/v1/users/:id/roles); their permissions are the union. */
export function UserRoles({
  userId,
  username,
  current,
  onDone,
}: {
  userId: string;
  username: string;
  current: readonly string[];
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const [picked, setPicked] = useState<Set<string>>(() => new Set(current));
  const roles = useQuery({
    queryKey: ['/api/v1/roles'],
    queryFn: () => call(() => client.GET('/api/v1/roles')),
  });
  const save = useMutation({
    mutationFn: () =>
      call(() =>
        client.PUT('/api/v1/users/{id}/roles', {
          params: { path: { id: userId } },
          body: { roles: [...picked].sort() },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/users'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="stack" aria-label={`Roles of ${username}`}>
      <FetchState query={roles} rows={2}>
        {(d) => (
          <fieldset className="plain">
            <legend>Roles of {username}</legend>
            <div className="row-inline">
              {d.items.map((r) => (
                <label key={r.name} className="checkbox" title={r.description}>
                  <input
                    type="checkbox"
                    checked={picked.has(r.name)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(r.name);
                      else next.delete(r.name);
                      setPicked(next);
                    }}
                  />
                  {r.name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
      </FetchState>
      {save.error && <Problem error={save.error} title="The roles were not changed" />}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || picked.size === 0}>
          Save roles
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
