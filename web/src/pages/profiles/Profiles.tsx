import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card, PageHeader } from '../../components/Page.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { AssignProfile } from './AssignProfile.tsx';

function ProfileDetail({ id }: { id: string }) {
  const { can } = useSession();
  const one = useQuery({
    queryKey: ['/api/v1/profiles/{id}', id],
    queryFn: () => call(() => client.GET('/api/v1/profiles/{id}', { params: { path: { id } } })),
  });
  return (
    <FetchState query={one} rows={8}>
      {(p) => (
        <Card title={p.title}>
          <p className="muted">{p.description}</p>
          {can('hosts:manage') && <AssignProfile profileId={p.id} />}
          <h3>Variables</h3>
          <pre>{Object.keys(p.variables).length ? JSON.stringify(p.variables, null, 2) : 'none'}</pre>
          <h3>{p.rule_count} rules</h3>
          <table>
            <TableHead cols={['Rule', 'Title', 'Severity']} />
            <tbody>
              {p.rules.map((r) => (
                <tr key={r.rule_id} data-rule={r.rule_id}>
                  <td className="mono">{r.rule_id}</td>
                  <td>{r.title ?? '—'}</td>
                  <td>{r.severity ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </FetchState>
  );
}

/** Benchmark profiles: pick one to see its rules and variables and assign it to a host or group. */
export function Profiles() {
  const [selected, setSelected] = useState<string | undefined>();
  const list = useQuery({
    queryKey: ['/api/v1/profiles'],
    queryFn: () => call(() => client.GET('/api/v1/profiles')),
  });
  return (
    <>
      <PageHeader
        title="Profiles"
        sub="A host is scanned and scored against its own profile, else its group's, else its OS default."
      />
      <FetchState
        query={list}
        rows={5}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No profiles loaded.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Profile', 'Benchmark', 'Rules']} />
              <tbody>
                {d.items.map((p) => (
                  <tr key={p.id} data-profile={p.id}>
                    <td>
                      <button type="button" className="link" onClick={() => setSelected(p.id)}>
                        {p.title}
                      </button>
                    </td>
                    <td>{p.benchmark}</td>
                    <td>{p.rule_count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FetchState>
      {selected && <ProfileDetail id={selected} />}
    </>
  );
}
