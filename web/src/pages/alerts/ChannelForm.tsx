import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

type Kind = 'webhook' | 'slack' | 'email';

const EMPTY = {
  name: '',
  url: '',
  signing_secret: '',
  host: '',
  port: '587',
  security: 'starttls' as 'starttls' | 'tls',
  username: '',
  password: '',
  from: '',
  to: '',
};

/** The settings and the sealed secret of a new channel, by type (core/notify/channels.ts). */
function bodyOf(type: Kind, f: typeof EMPTY) {
  if (type === 'webhook') return { config: {}, secret: { url: f.url, signing_secret: f.signing_secret } };
  if (type === 'slack') return { config: {}, secret: { url: f.url } };
  return {
    config: {
      host: f.host,
      port: Number(f.port),
      security: f.security,
      ...(f.username ? { username: f.username } : {}),
      from: f.from,
      to: f.to
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    },
    secret: f.password ? { password: f.password } : {},
  };
}

/** Which fields the server refused and why (`details` of a validation error). */
function Refused({ error }: { error: unknown }) {
  if (!(error instanceof ApiProblem) || !Array.isArray(error.details)) return null;
  const items = (error.details as Array<{ field?: unknown; message?: unknown }>).filter(
    (d) => typeof d.field === 'string' && typeof d.message === 'string',
  );
  if (items.length === 0) return null;
  return (
    <ul className="small">
      {items.map((d) => (
        <li key={String(d.field)}>
          <code>{String(d.field)}</code>: {String(d.message)}
        </li>
      ))}
    </ul>
  );
}

/** A new webhook, Slack or e-mail channel; its secrets go to the server once and are sealed there. */
export function ChannelForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [type, setType] = useState<Kind>('webhook');
  const [f, setF] = useState(EMPTY);
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const create = useMutation({
    mutationFn: () =>
      call(() => client.POST('/api/v1/channels', { body: { name: f.name, type, ...bodyOf(type, f) } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/channels'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="New channel">
      <form onSubmit={submit} className="stack">
        <div className="row">
          <Field id="ch-name" label="Name">
            <input id="ch-name" required maxLength={100} value={f.name} onChange={set('name')} />
          </Field>
          <Field id="ch-type" label="Type">
            <select id="ch-type" value={type} onChange={(e) => setType(e.target.value as Kind)}>
              <option value="webhook">Webhook (signed JSON)</option>
              <option value="slack">Slack incoming webhook</option>
              <option value="email">E-mail (SMTP)</option>
            </select>
          </Field>
        </div>
        {type !== 'email' && (
          <Field
            id="ch-url"
            label="HTTPS URL"
            hint="Only public addresses unless the runner allows private ones."
          >
            <input id="ch-url" type="url" required value={f.url} onChange={set('url')} />
          </Field>
        )}
        {type === 'webhook' && (
          <Field
            id="ch-signing"
            label="Signing secret"
            hint="32+ characters; the receiver checks X-OpenWatch-Signature with it (docs/alerts.md)."
          >
            <input
              id="ch-signing"
              required
              minLength={32}
              autoComplete="off"
              value={f.signing_secret}
              onChange={set('signing_secret')}
            />
          </Field>
        )}
        {type === 'email' && (
          <>
            <div className="row">
              <Field id="ch-host" label="SMTP host">
                <input id="ch-host" required value={f.host} onChange={set('host')} />
              </Field>
              <Field id="ch-port" label="Port">
                <input id="ch-port" type="number" min={1} max={65535} value={f.port} onChange={set('port')} />
              </Field>
              <Field id="ch-security" label="Security">
                <select
                  id="ch-security"
                  value={f.security}
                  onChange={(e) => setF({ ...f, security: e.target.value as 'starttls' | 'tls' })}
                >
                  <option value="starttls">STARTTLS</option>
                  <option value="tls">TLS</option>
                </select>
              </Field>
            </div>
            <div className="row">
              <Field id="ch-user" label="SMTP user (optional)">
                <input id="ch-user" autoComplete="off" value={f.username} onChange={set('username')} />
              </Field>
              <Field id="ch-pass" label="SMTP password (optional)">
                <input
                  id="ch-pass"
                  type="password"
                  autoComplete="new-password"
                  value={f.password}
                  onChange={set('password')}
                />
              </Field>
            </div>
            <div className="row">
              <Field id="ch-from" label="From">
                <input id="ch-from" type="email" required value={f.from} onChange={set('from')} />
              </Field>
              <Field id="ch-to" label="To" hint="One or more addresses, separated by commas.">
                <input id="ch-to" required value={f.to} onChange={set('to')} />
              </Field>
            </div>
          </>
        )}
        {create.error && (
          <>
            <Problem error={create.error} title="The channel was not created" />
            <Refused error={create.error} />
          </>
        )}
        <div className="actions">
          <button type="button" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create channel
          </button>
        </div>
      </form>
    </Card>
  );
}
