import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

export function ChangePassword() {
  const [f, setF] = useState({ current: '', next: '' });
  const change = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/auth/me/password', {
          body: { current_password: f.current, new_password: f.next },
        }),
      ),
    onSuccess: () => setF({ current: '', next: '' }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <Card title="Password">
      <form onSubmit={submit} className="stack">
        <Field id="pw-current" label="Current password">
          <input
            id="pw-current"
            type="password"
            required
            autoComplete="current-password"
            value={f.current}
            onChange={(e) => setF({ ...f, current: e.target.value })}
          />
        </Field>
        <Field
          id="pw-new"
          label="New password"
          hint="12+ characters (15 for administrators), not a common one."
        >
          <input
            id="pw-new"
            type="password"
            required
            autoComplete="new-password"
            value={f.next}
            onChange={(e) => setF({ ...f, next: e.target.value })}
          />
        </Field>
        {change.error && <Problem error={change.error} title="The password was not changed" />}
        {change.isSuccess && (
          <p className="notice" role="status">
            Password changed. Your other sessions were signed out.
          </p>
        )}
        <div>
          <button type="submit" disabled={change.isPending}>
            Change password
          </button>
        </div>
      </form>
    </Card>
  );
}
