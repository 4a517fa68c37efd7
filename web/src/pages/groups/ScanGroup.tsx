import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { Problem } from '../../components/Problem.tsx';

const REASON: Record<string, string> = {
  in_maintenance: 'in maintenance',
  scan_in_progress: 'already scanning',
};

/** Queues a scan of every member (POST /api/v1/groups/:id/scans) and says what was queued or skipped. */
export function ScanGroup({ groupId }: { groupId: string }) {
  const qc = useQueryClient();
  const scan = useMutation({
    mutationFn: () =>
      call(() => client.POST('/api/v1/groups/{id}/scans', { params: { path: { id: groupId } }, body: {} })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/scans'] }),
  });
  const items = scan.data?.items ?? [];
  const queued = items.filter((i) => i.status === 'queued').length;
  const skipped = new Map<string, number>();
  for (const i of items)
    if (i.reason)
      skipped.set(REASON[i.reason] ?? i.reason, (skipped.get(REASON[i.reason] ?? i.reason) ?? 0) + 1);
  return (
    <div className="scan-now">
      <button type="button" className="primary" disabled={scan.isPending} onClick={() => scan.mutate()}>
        {scan.isPending ? 'Queueing…' : 'Scan group'}
      </button>
      {scan.isSuccess && (
        <span role="status" data-testid="group-scan-result">
          {items.length === 0
            ? 'No members to scan.'
            : `${queued} scan${queued === 1 ? '' : 's'} queued` +
              [...skipped].map(([why, n]) => `, ${n} skipped (${why})`).join('')}
        </span>
      )}
      {scan.error && <Problem error={scan.error} title="The group was not scanned" />}
    </div>
  );
}
