import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { HostName } from '../../components/HostName.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { CancelScan } from './CancelScan.tsx';
import { TableHead } from '../../components/TableHead.tsx';

const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

/** Queue and history; scan events from the live stream (app/live.ts) refetch it. */
export function Scans() {
  const [status, setStatus] = useState<Status | ''>('');
  const scans = useQuery({
    queryKey: ['/api/v1/scans', { status }],
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/scans', { params: { query: { limit: 100, ...(status ? { status } : {}) } } }),
      ),
  });
  return (
    <>
      <PageHeader title="Scans" sub="Queued, running and finished scans across the fleet." />
      <div className="filters">
        <label>
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FetchState
        query={scans}
        rows={6}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No scans{status ? ` with status ${status}` : ''}. Start one from a host's page.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead
                cols={['Host', 'Requested', 'Source', 'Status', ['Rules', 'num'], ['Fail', 'num'], '']}
              />
              <tbody>
                {d.items.map((s) => (
                  <tr key={s.id} data-scan={s.id}>
                    <td>
                      <HostName id={s.host_id} />
                    </td>
                    <td>
                      <Link to="/scans/$scanId" params={{ scanId: s.id }}>
                        {formatTime(s.created_at)}
                      </Link>
                    </td>
                    <td>{s.source}</td>
                    <td>
                      <StatusBadge status={s.status} />
                      {s.error && <span className="muted small block">{s.error.message}</span>}
                    </td>
                    <td className="num">{s.counts?.total ?? '—'}</td>
                    <td className="num">{s.counts?.fail ?? '—'}</td>
                    <td className="actions">
                      {(s.status === 'queued' || s.status === 'running') && <CancelScan id={s.id} />}
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
