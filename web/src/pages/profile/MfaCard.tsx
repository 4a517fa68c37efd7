import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toString as qrSvg } from 'qrcode';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { SESSION_KEY, useSession } from '../../app/session.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

/** TOTP enrolment: a QR code drawn here (no network), a code to confirm, recovery codes shown once. */
export function MfaCard() {
  const { me } = useSession();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[]>();
  const enrol = useMutation({
    mutationFn: async () => {
      const r = await call(() => client.POST('/api/v1/auth/mfa/enrol'));
      const svg = await qrSvg(r.provisioning_uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      return { ...r, qr: `data:image/svg+xml;base64,${btoa(svg)}` };
    },
  });
  const verify = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/auth/mfa/verify', { body: { code } })),
    onSuccess: (r) => {
      setCodes(r.recovery_codes);
      void qc.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    verify.mutate();
  };
  if (codes) {
    return (
      <Card title="Two-step verification is on">
        <p>Save these recovery codes somewhere safe. Each works once; they will not be shown again.</p>
        <ul className="recovery-codes" data-testid="recovery-codes">
          {codes.map((c) => (
            <li key={c} className="mono">
              {c}
            </li>
          ))}
        </ul>
      </Card>
    );
  }
  if (me.mfa_enabled) {
    return (
      <Card title="Two-step verification">
        <p>
          <span className="badge badge-pass">On</span> Sign-in asks for a code from your authenticator app.
        </p>
      </Card>
    );
  }
  return (
    <Card title="Two-step verification">
      {!enrol.data ? (
        <>
          <p>Protect your account with a time-based code from an authenticator app.</p>
          <button type="button" className="primary" onClick={() => enrol.mutate()} disabled={enrol.isPending}>
            Set up an authenticator
          </button>
        </>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
          <img
            src={enrol.data.qr}
            alt="QR code for your authenticator app"
            className="qr"
            width={200}
            height={200}
          />
          <details>
            <summary>Can't scan? Enter the key by hand</summary>
            <code className="secret" data-testid="mfa-secret">
              {enrol.data.secret}
            </code>
          </details>
          <Field id="mfa-code" label="Code from the app">
            <input
              id="mfa-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
            />
          </Field>
          {verify.error && <Problem error={verify.error} title="The code was not accepted" />}
          <button type="submit" className="primary" disabled={verify.isPending}>
            Turn on
          </button>
        </form>
      )}
      {enrol.error && <Problem error={enrol.error} />}
    </Card>
  );
}
