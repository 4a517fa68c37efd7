import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { useSession } from '../../app/session.ts';
import { Card, Field, PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import {
  CredentialFields,
  emptyCredential,
  credentialBody,
  type CredentialDraft,
} from './CredentialFields.tsx';

const NEW = 'new';

/** One host and the credential it is scanned with (an existing one, or a new one created first). */
export function AddHost() {
  const navigate = useNavigate();
  const { can } = useSession();
  const creds = useQuery({
    queryKey: ['/api/v1/credentials'],
    queryFn: () => call(() => client.GET('/api/v1/credentials')),
    enabled: can('credentials:read'),
  });
  const [host, setHost] = useState({
    hostname: '',
    address: '',
    port: '22',
    environment: 'production',
    tags: '',
    use_sudo: true,
    host_key_policy: 'tofu' as 'tofu' | 'pinned',
  });
  const [credChoice, setCredChoice] = useState<string>(NEW);
  const [cred, setCred] = useState<CredentialDraft>(emptyCredential);
  const create = useMutation({
    mutationFn: async () => {
      let credentialId: string | null = credChoice === NEW ? null : credChoice;
      if (credChoice === NEW && can('credentials:manage')) {
        credentialId = (await call(() => client.POST('/api/v1/credentials', { body: credentialBody(cred) })))
          .id;
      }
      return call(() =>
        client.POST('/api/v1/hosts', {
          body: {
            hostname: host.hostname,
            ...(host.address ? { address: host.address } : {}),
            port: Number(host.port),
            environment: host.environment,
            tags: host.tags.split(/[\s,]+/).filter(Boolean),
            credential_id: credentialId,
            use_sudo: host.use_sudo,
            host_key_policy: host.host_key_policy,
          },
        }),
      );
    },
    onSuccess: (h) => void navigate({ to: '/hosts/$hostId', params: { hostId: h.id } }),
  });
  const set = (k: keyof typeof host) => (e: { target: { value: string } }) =>
    setHost({ ...host, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const err = create.error;
  return (
    <>
      <PageHeader
        title="Add a host"
        sub="OpenWatch logs in over SSH with the credential you choose; nothing is installed."
      />
      <form onSubmit={submit} className="form-grid">
        <Card title="Host">
          <Field id="h-name" label="Hostname" error={fieldError(err, 'hostname')}>
            <input
              id="h-name"
              required
              value={host.hostname}
              onChange={set('hostname')}
              placeholder="web-01"
            />
          </Field>
          <Field
            id="h-addr"
            label="Address"
            hint="DNS name or IP; the hostname when empty."
            error={fieldError(err, 'address')}
          >
            <input id="h-addr" value={host.address} onChange={set('address')} placeholder="10.0.0.12" />
          </Field>
          <div className="row">
            <Field id="h-port" label="SSH port" error={fieldError(err, 'port')}>
              <input id="h-port" type="number" min={1} max={65535} value={host.port} onChange={set('port')} />
            </Field>
            <Field id="h-env" label="Environment" error={fieldError(err, 'environment')}>
              <input id="h-env" value={host.environment} onChange={set('environment')} />
            </Field>
          </div>
          <Field
            id="h-tags"
            label="Tags"
            hint="Separated by spaces or commas."
            error={fieldError(err, 'tags')}
          >
            <input id="h-tags" value={host.tags} onChange={set('tags')} placeholder="pci web" />
          </Field>
          <Field id="h-policy" label="Host key" hint="Trust on first use pins the key the first scan sees.">
            <select id="h-policy" value={host.host_key_policy} onChange={set('host_key_policy')}>
              <option value="tofu">Trust on first use, then pin</option>
              <option value="pinned">Only a key pinned beforehand</option>
            </select>
          </Field>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={host.use_sudo}
              onChange={(e) => setHost({ ...host, use_sudo: e.target.checked })}
            />
            Run checks through sudo when the user is not root
          </label>
        </Card>
        <Card title="SSH credential">
          <Field id="h-cred" label="Credential">
            <select id="h-cred" value={credChoice} onChange={(e) => setCredChoice(e.target.value)}>
              {can('credentials:manage') && <option value={NEW}>New credential…</option>}
              {!can('credentials:manage') && <option value={NEW}>None (the default credential)</option>}
              {creds.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.username}, {c.auth_method})
                </option>
              ))}
            </select>
          </Field>
          {credChoice === NEW && can('credentials:manage') && (
            <CredentialFields value={cred} onChange={setCred} error={err} />
          )}
          <p className="muted small">Secrets are encrypted at rest and never shown again.</p>
        </Card>
        {err && <Problem error={err} title="The host was not added" />}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add host'}
          </button>
        </div>
      </form>
    </>
  );
}
