import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { TableHead } from '../../components/TableHead.tsx';

/** SSH credentials as metadata only: the API never returns a secret, and neither does this page. */
export function Credentials() {
  const creds = useQuery({
    queryKey: ['/api/v1/credentials'],
    queryFn: () => call(() => client.GET('/api/v1/credentials')),
  });
  return (
    <>
      <PageHeader title="SSH credentials" sub="Secrets are encrypted at rest and are never shown again." />
      <FetchState
        query={creds}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No credentials yet. Create one while adding a host.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Name', 'User', 'Method', 'Key fingerprint', 'sudo password', 'Updated']} />
              <tbody>
                {d.items.map((c) => (
                  <tr key={c.id}>
                    <td className="strong">
                      {c.name} {c.is_default && <span className="pill">default</span>}
                    </td>
                    <td className="mono">{c.username}</td>
                    <td>{c.auth_method}</td>
                    <td className="mono small">{c.key_fingerprint ?? '—'}</td>
                    <td>{c.has_sudo_password ? 'stored' : '—'}</td>
                    <td>{formatTime(c.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FetchState>
    </>
  );
}
