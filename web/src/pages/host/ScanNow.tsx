import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { call, client } from '../../api/client.ts';
import { Problem } from '../../components/Problem.tsx';
import { StatusBadge } from '../../components/Badges.tsx';

const ACTIVE = new Set(['queued', 'running']);

/**
 * Starts a scan and follows it: scan events from the live stream (app/live.ts) refetch the latest scan,
 * and the host's views refresh when it finishes.
 */
export function ScanNow({ hostId }: { hostId: string }) {
  const qc = useQueryClient();
  const latest = useQuery({
    queryKey: ['/api/v1/scans', { host_id: hostId, limit: 1 }],
    queryFn: () =>
      call(() => client.GET('/api/v1/scans', { params: { query: { host_id: hostId, limit: 1 } } })),
  });
  const scan = latest.data?.items[0];
  const active = scan !== undefined && ACTIVE.has(scan.status);
  const start = useMutation({
    mutationFn: () =>
      call(() => client.POST('/api/v1/hosts/{id}/scans', { params: { path: { id: hostId } }, body: {} })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/scans'] }),
  });
  const wasActive = useRef(false);
  useEffect(() => {
    // A scan that just finished changed results, posture, timeline and history: refetch them all.
    if (wasActive.current && !active) void qc.invalidateQueries();
    wasActive.current = active;
  }, [active, qc]);
  return (
    <div className="scan-now">
      {scan && (
        <span className="muted small" role="status" data-testid="latest-scan">
          Latest scan <StatusBadge status={scan.status} />
        </span>
      )}
      <button
        type="button"
        className="primary"
        disabled={active || start.isPending}
        onClick={() => start.mutate()}
      >
        {active ? 'Scanning…' : 'Scan now'}
      </button>
      {start.error && <Problem error={start.error} title="The scan was not started" />}
    </div>
  );
}
