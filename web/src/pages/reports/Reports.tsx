import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { formatTime } from '../../components/format.ts';
import { NewReport } from './NewReport.tsx';

/** Stored report snapshots: generate one, see whether it is signed, download it as HTML or JSON. */
export function Reports() {
  const { can } = useSession();
  const list = useQuery({
    queryKey: ['/api/v1/reports'],
    queryFn: () => call(() => client.GET('/api/v1/reports', { params: { query: { limit: 200 } } })),
  });
  return (
    <>
      <PageHeader
        title="Reports"
        sub="Immutable snapshots. A signed download verifies offline with `openwatch report verify`."
      />
      {can('reports:create') && <NewReport />}
      <FetchState query={list} rows={5} isEmpty={(d) => d.items.length === 0} empty={<p>No reports yet.</p>}>
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Report', 'Created', 'Signature', 'Download']} />
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id} data-report={r.id}>
                    <td>{r.title}</td>
                    <td>{formatTime(r.created_at)}</td>
                    <td className="mono">{r.signed_by ? `signed, key ${r.signed_by}` : 'unsigned'}</td>
                    <td className="actions">
                      <a href={`/api/v1/reports/${r.id}/download?format=html`} download>
                        HTML
                      </a>{' '}
                      <a href={`/api/v1/reports/${r.id}/download?format=json`} download>
                        JSON
                      </a>
                    </td>
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
