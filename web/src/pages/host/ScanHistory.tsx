import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { ScanDiff } from './ScanDiff.tsx';

/** The host's scans, newest first; tick two completed scans to see which verdicts differ between them. */
export function ScanHistory({ hostId }: { hostId: string }) {
  const [picked, setPicked] = useState<string[]>([]);
  const scans = useQuery({
    queryKey: ['/api/v1/scans', { host_id: hostId }],
    queryFn: () =>
      call(() => client.GET('/api/v1/scans', { params: { query: { host_id: hostId, limit: 50 } } })),
  });
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  return (
    <Card title="Scan history">
      <FetchState query={scans} isEmpty={(d) => d.items.length === 0} empty={<p>Not scanned yet.</p>}>
        {(d) => {
          const order = d.items.map((s) => s.id);
          const [a, b] = [...picked].sort((x, y) => order.indexOf(y) - order.indexOf(x));
          return (
            <>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="sr-only">Compare</span>
                    </th>
                    <th scope="col">Started</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Pass
                    </th>
                    <th scope="col" className="num">
                      Fail
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {s.status === 'completed' && (
                          <input
                            type="checkbox"
                            aria-label={`Compare scan of ${formatTime(s.created_at)}`}
                            checked={picked.includes(s.id)}
                            onChange={() => toggle(s.id)}
                          />
                        )}
                      </td>
                      <td>
                        <Link to="/scans/$scanId" params={{ scanId: s.id }}>
                          {formatTime(s.started_at ?? s.created_at)}
                        </Link>
                      </td>
                      <td>
                        <StatusBadge status={s.status} />
                        {s.error && <span className="muted small block">{s.error.message}</span>}
                      </td>
                      <td className="num">{s.counts?.pass ?? '—'}</td>
                      <td className="num">{s.counts?.fail ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {a && b ? (
                <ScanDiff older={a} newer={b} />
              ) : (
                <p className="muted small">Tick two completed scans to compare them.</p>
              )}
            </>
          );
        }}
      </FetchState>
    </Card>
  );
}
