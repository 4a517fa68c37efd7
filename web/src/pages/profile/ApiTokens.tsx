import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { ago, formatTime } from '../../components/format.ts';
import { TableHead } from '../../components/TableHead.tsx';

const KEY = ['/api/v1/auth/tokens'];

/** Your API tokens: created with a role no higher than yours, shown once, revocable. */
export function ApiTokens() {
  const { me } = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState(me.roles[0] ?? 'viewer');
  const [days, setDays] = useState('90');
  const tokens = useQuery({ queryKey: KEY, queryFn: () => call(() => client.GET('/api/v1/auth/tokens')) });
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/auth/tokens', {
          body: { name, role, ...(days ? { expires_in_days: Number(days) } : {}) },
        }),
      ),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="API tokens">
      {create.data && (
        <div className="notice" role="status">
          Copy this token now; it will not be shown again:
          <code className="secret block">{create.data.token}</code>
        </div>
      )}
      <form onSubmit={submit} className="row">
        <Field id="t-name" label="Name">
          <input
            id="t-name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-export"
          />
        </Field>
        <Field id="t-role" label="Role">
          <select id="t-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {['viewer', 'auditor', 'operator', 'security_admin', 'admin'].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field id="t-days" label="Expires in (days)">
          <input
            id="t-days"
            type="number"
            min={1}
            max={365}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </Field>
        <div className="field end">
          <button type="submit" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
      {create.error && <Problem error={create.error} title="The token was not created" />}
      <FetchState
        query={tokens}
        isEmpty={(d) => d.items.length === 0}
        empty={<p className="muted">No tokens.</p>}
      >
        {(d) => (
          <table className="compact">
            <TableHead cols={['Name', 'Token', 'Role', 'Last used', 'Expires', '']} />
            <tbody>
              {d.items.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td className="mono">{t.hint}…</td>
                  <td>{t.role}</td>
                  <td>{ago(t.last_used_at)}</td>
                  <td>{formatTime(t.expires_at)}</td>
                  <td className="actions">
                    {t.revoked ? (
                      <span className="muted">revoked</span>
                    ) : (
                      <button type="button" className="danger" onClick={() => revoke.mutate(t.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </FetchState>
    </Card>
  );
}
