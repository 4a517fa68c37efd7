import type { paths } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Field } from '../../components/Page.tsx';

type Body = paths['/api/v1/credentials']['post']['requestBody']['content']['application/json'];

export interface CredentialDraft {
  name: string;
  username: string;
  auth_method: 'key' | 'password';
  private_key: string;
  passphrase: string;
  password: string;
  sudo_password: string;
}

export const emptyCredential: CredentialDraft = {
  name: '',
  username: '',
  auth_method: 'key',
  private_key: '',
  passphrase: '',
  password: '',
  sudo_password: '',
};

/** Only the fields of the chosen method are sent; empty optional secrets are left out. */
export function credentialBody(d: CredentialDraft): Body {
  const opt = (k: 'passphrase' | 'sudo_password') => (d[k] ? { [k]: d[k] } : {});
  return {
    name: d.name,
    username: d.username,
    auth_method: d.auth_method,
    ...(d.auth_method === 'key'
      ? { private_key: d.private_key, ...opt('passphrase') }
      : { password: d.password }),
    ...opt('sudo_password'),
  };
}

export function CredentialFields({
  value,
  onChange,
  error,
}: {
  value: CredentialDraft;
  onChange: (next: CredentialDraft) => void;
  error: unknown;
}) {
  const set = (k: keyof CredentialDraft) => (e: { target: { value: string } }) =>
    onChange({ ...value, [k]: e.target.value });
  return (
    <>
      <div className="row">
        <Field id="c-name" label="Credential name" error={fieldError(error, 'name')}>
          <input id="c-name" required value={value.name} onChange={set('name')} placeholder="scanner" />
        </Field>
        <Field id="c-user" label="SSH user" error={fieldError(error, 'username')}>
          <input id="c-user" required value={value.username} onChange={set('username')} autoComplete="off" />
        </Field>
      </div>
      <fieldset className="segmented">
        <legend>Authentication</legend>
        {(['key', 'password'] as const).map((m) => (
          <label key={m}>
            <input
              type="radio"
              name="c-method"
              value={m}
              checked={value.auth_method === m}
              onChange={() => onChange({ ...value, auth_method: m })}
            />
            {m === 'key' ? 'Private key' : 'Password'}
          </label>
        ))}
      </fieldset>
      {value.auth_method === 'key' ? (
        <>
          <Field id="c-key" label="Private key (OpenSSH or PEM)" error={fieldError(error, 'private_key')}>
            <textarea
              id="c-key"
              required
              rows={5}
              className="mono"
              spellCheck={false}
              value={value.private_key}
              onChange={set('private_key')}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
          </Field>
          <Field id="c-pass" label="Key passphrase (optional)">
            <input
              id="c-pass"
              type="password"
              autoComplete="off"
              value={value.passphrase}
              onChange={set('passphrase')}
            />
          </Field>
        </>
      ) : (
        <Field id="c-password" label="SSH password" error={fieldError(error, 'password')}>
          <input
            id="c-password"
            type="password"
            required
            autoComplete="off"
            value={value.password}
            onChange={set('password')}
          />
        </Field>
      )}
      <Field id="c-sudo" label="sudo password (optional)" hint="Only when sudo asks for one.">
        <input
          id="c-sudo"
          type="password"
          autoComplete="off"
          value={value.sudo_password}
          onChange={set('sudo_password')}
        />
      </Field>
    </>
  );
}
