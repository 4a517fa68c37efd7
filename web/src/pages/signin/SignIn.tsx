import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';
import { reloadSession } from '../../app/session.ts';
import { Field } from '../../components/Page.tsx';
import { AuthFrame } from './AuthFrame.tsx';

const route = getRouteApi('/signin');

type Step = 'password' | 'otp' | 'recovery';

const REASONS: Record<string, string> = {
  expired: 'Your session ended (signed out after inactivity or revoked). Sign in again to continue.',
  setup: 'Your administrator account is ready. Sign in to continue.',
};

/** Password first; when the account has MFA, a second step takes a TOTP code or a recovery code. */
export function SignIn() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [step, setStep] = useState<Step>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        username,
        password,
        client: 'browser' as const,
        ...(step === 'password' ? {} : { otp }),
      };
      const r = await call(() => client.POST('/api/v1/auth/login', { body }));
      await reloadSession(qc);
      await navigate({ to: r.mfa_enrolment_required ? '/profile' : (search.redirect ?? '/') });
    } catch (err) {
      if (err instanceof ApiProblem && err.code === 'mfa_required') {
        setStep('otp');
      } else if (err instanceof ApiProblem && err.code === 'invalid_credentials') {
        setError(
          step === 'password'
            ? 'Wrong username or password.'
            : 'That code was not accepted. Codes change every 30 seconds; recovery codes work once.',
        );
      } else {
        setError(err instanceof ApiProblem ? err.message : 'The server could not be reached. Try again.');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={step === 'password' ? 'Sign in' : 'Two-step verification'}>
      {search.reason && REASONS[search.reason] && <p className="notice">{REASONS[search.reason]}</p>}
      <form onSubmit={(e) => void submit(e)} className="stack">
        {step === 'password' ? (
          <>
            <Field id="username" label="Username">
              <input
                id="username"
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                autoFocus
              />
            </Field>
            <Field id="password" label="Password">
              <input
                id="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Field>
          </>
        ) : step === 'otp' ? (
          <Field id="otp" label="Authentication code" hint="The 6-digit code from your authenticator app.">
            <input
              id="otp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={otp}
              onChange={(e) => setOtp(e.target.value.trim())}
              autoFocus
            />
          </Field>
        ) : (
          <Field
            id="recovery"
            label="Recovery code"
            hint="One of the codes you saved when enrolling (xxxx-xxxx-xxxx)."
          >
            <input
              id="recovery"
              autoComplete="off"
              required
              value={otp}
              onChange={(e) => setOtp(e.target.value.trim())}
              autoFocus
            />
          </Field>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : step === 'password' ? 'Sign in' : 'Verify'}
        </button>
        {step !== 'password' && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOtp('');
              setError(undefined);
              setStep(step === 'otp' ? 'recovery' : 'otp');
            }}
          >
            {step === 'otp' ? 'Use a recovery code instead' : 'Use an authentication code instead'}
          </button>
        )}
      </form>
    </AuthFrame>
  );
}
