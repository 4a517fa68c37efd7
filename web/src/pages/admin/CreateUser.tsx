import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

export function CreateUser({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const roles = useQuery({
    queryKey: ['/api/v1/roles'],
    queryFn: () => call(() => client.GET('/api/v1/roles')),
  });
  const [f, setF] = useState({ username: '', email: '', display_name: '', password: '', role: 'viewer' });
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/users', {
          body: {
            username: f.username,
            email: f.email,
            display_name: f.display_name || f.username,
            password: f.password,
            roles: [f.role],
          },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/users'] });
      onDone();
    },
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="New user">
      <form onSubmit={submit} className="stack">
        <div className="row">
          <Field id="u-name" label="Username" error={fieldError(create.error, 'username')}>
            <input id="u-name" required value={f.username} onChange={set('username')} />
          </Field>
          <Field id="u-email" label="E-mail" error={fieldError(create.error, 'email')}>
            <input id="u-email" type="email" required value={f.email} onChange={set('email')} />
          </Field>
        </div>
        <div className="row">
          <Field id="u-display" label="Display name">
            <input id="u-display" value={f.display_name} onChange={set('display_name')} />
          </Field>
          <Field id="u-role" label="Role">
            <select id="u-role" value={f.role} onChange={set('role')}>
              {roles.data?.items.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.name}
                </option>
              )) ?? <option value="viewer">viewer</option>}
            </select>
          </Field>
        </div>
        <Field id="u-pass" label="Initial password" hint="12+ characters (15 for administrators).">
          <input
            id="u-pass"
            type="password"
            required
            autoComplete="new-password"
            value={f.password}
            onChange={set('password')}
          />
        </Field>
        {create.error && <Problem error={create.error} title="The user was not created" />}
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create user
          </button>
        </div>
      </form>
    </Card>
  );
}
