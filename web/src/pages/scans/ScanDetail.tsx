import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { SeverityBadge, StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { HostName } from '../../components/HostName.tsx';
import { Card, PageHeader } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { CancelScan } from './CancelScan.tsx';
import { TableHead } from '../../components/TableHead.tsx';

const route = getRouteApi('/app/scans/$scanId');

/** One scan: its progress while it runs (live, from scan events), then its results and exports. */
export function ScanDetail() {
  const { scanId } = route.useParams();
  const { can } = useSession();
  const scan = useQuery({
    queryKey: ['/api/v1/scans/{id}', scanId],
    queryFn: () => call(() => client.GET('/api/v1/scans/{id}', { params: { path: { id: scanId } } })),
  });
  const done = scan.data?.status === 'completed';
  const results = useQuery({
    queryKey: ['/api/v1/scans/{id}/results', scanId],
    queryFn: () => call(() => client.GET('/api/v1/scans/{id}/results', { params: { path: { id: scanId } } })),
    enabled: done && can('results:read'),
  });
  return (
    <FetchState query={scan}>
      {(s) => (
        <>
          <PageHeader
            title={
              <>
                Scan <StatusBadge status={s.status} />
              </>
            }
            sub={
              <>
                <HostName id={s.host_id} /> · requested {formatTime(s.created_at)}
                {s.finished_at && ` · finished ${formatTime(s.finished_at)}`}
              </>
            }
            actions={
              <>
                {(s.status === 'queued' || s.status === 'running') && <CancelScan id={s.id} />}
                {done &&
                  can('reports:export') &&
                  (['json', 'csv', 'oscal'] as const).map((f) => (
                    <a key={f} className="button" href={`/api/v1/scans/${s.id}/export?format=${f}`} download>
                      Export {f.toUpperCase()}
                    </a>
                  ))}
              </>
            }
          />
          {s.error && (
            <div className="problem">
              <strong>{s.error.code}</strong>
              <p>{s.error.message}</p>
            </div>
          )}
          {s.counts && (
            <div className="grid kpis">
              {(['pass', 'fail', 'error', 'not_applicable'] as const).map((k) => (
                <div key={k} className="kpi">
                  <span className="kpi-label">{k.replace('_', ' ')}</span>
                  <span className="kpi-value">{s.counts?.[k]}</span>
                </div>
              ))}
            </div>
          )}
          {done && (
            <Card title="Results">
              <FetchState query={results} rows={8}>
                {(r) => (
                  <div className="table-scroll results-scroll">
                    <table>
                      <TableHead cols={['Rule', 'Severity', 'Status']} />
                      <tbody>
                        {r.results.map((x) => (
                          <tr key={x.rule_id}>
                            <td className="mono">
                              <Link
                                to="/hosts/$hostId"
                                params={{ hostId: s.host_id }}
                                search={{ rule: x.rule_id, status: 'all' }}
                              >
                                {x.rule_id}
                              </Link>
                            </td>
                            <td>
                              <SeverityBadge severity={x.severity} />
                            </td>
                            <td>
                              <StatusBadge status={x.status} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </FetchState>
            </Card>
          )}
        </>
      )}
    </FetchState>
  );
}
