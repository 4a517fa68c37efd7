import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { ApiProblem, fieldError } from '../../api/problem.ts';
import { reloadSession } from '../../app/session.ts';
import { Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { AuthFrame } from '../signin/AuthFrame.tsx';

// The setup endpoints are built in parallel with the console and are not in the generated schema yet,
// so these two calls use fetch directly; the contract is GET → {setup_required}, POST → 201 {user}.
async function setupRequired(): Promise<boolean> {
  const res = await fetch('/api/v1/setup', { credentials: 'same-origin' });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw await ApiProblem.from(res, body);
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { setup_required?: unknown }).setup_required === true
  );
}

async function completeSetup(body: { token: string; username: string; email: string; password: string }) {
  const res = await fetch('/api/v1/setup', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw await ApiProblem.from(res);
}

/** The token travels in the fragment (`/setup#token=…`) so it never reaches a server log or Referer. */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

const MESSAGES: Record<string, string> = {
  setup_token_invalid:
    'This setup link is not valid any more (it works once). Ask the server operator for a new one.',
  setup_complete: 'Setup is already complete. Sign in with the administrator account.',
};

/** First run: create the first administrator from the one-time link, then sign in with it. */
export function Setup() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const required = useQuery({ queryKey: ['setup'], queryFn: setupRequired });
  const [form, setForm] = useState({ username: '', email: '', password: '', confirm: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (form.password !== form.confirm) {
      setError(new Error('The two passwords differ.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      // Read at submit time: a link pasted into the same tab changes only the fragment, not the page.
      const token = tokenFromFragment();
      await completeSetup({ token, username: form.username, email: form.email, password: form.password });
      await call(() =>
        client.POST('/api/v1/auth/login', {
          body: { username: form.username, password: form.password, client: 'browser' },
        }),
      );
      window.location.hash = '';
      await reloadSession(qc);
      await navigate({ to: '/' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (required.isPending) return <AuthFrame title="First-run setup">{null}</AuthFrame>;
  if (required.isError) {
    return (
      <AuthFrame title="First-run setup">
        <Problem error={required.error} />
      </AuthFrame>
    );
  }
  if (!required.data) {
    return (
      <AuthFrame title="Setup is complete">
        <p>
          OpenWatch already has an administrator. <Link to="/signin">Sign in</Link>.
        </p>
      </AuthFrame>
    );
  }
  if (!tokenFromFragment()) {
    return (
      <AuthFrame title="First-run setup">
        <p className="notice">
          Open the one-time setup link the server printed (it ends in <code>#token=…</code>). Ask the server
          operator for a new one if you no longer have it.
        </p>
      </AuthFrame>
    );
  }
  const problem = error instanceof ApiProblem ? error : undefined;
  const weak = problem?.code === 'weak_password' ? problem.message : undefined;
  return (
    <AuthFrame title="Create the administrator">
      <p className="muted">This account can manage everything. Use a long, unique password.</p>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <Field id="su-username" label="Username" error={fieldError(error, 'username')}>
          <input
            id="su-username"
            required
            autoComplete="username"
            value={form.username}
            onChange={set('username')}
          />
        </Field>
        <Field id="su-email" label="E-mail" error={fieldError(error, 'email')}>
          <input
            id="su-email"
            type="email"
            required
            autoComplete="email"
            value={form.email}
            onChange={set('email')}
          />
        </Field>
        <Field
          id="su-password"
          label="Password"
          hint="At least 15 characters; not a common password."
          error={weak ?? fieldError(error, 'password')}
        >
          <input
            id="su-password"
            type="password"
            required
            minLength={15}
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
          />
        </Field>
        <Field id="su-confirm" label="Repeat the password">
          <input
            id="su-confirm"
            type="password"
            required
            autoComplete="new-password"
            value={form.confirm}
            onChange={set('confirm')}
          />
        </Field>
        {error !== undefined && !weak && (
          <p className="field-error" role="alert">
            {problem ? (MESSAGES[problem.code] ?? problem.message) : (error as Error).message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator and sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}
