import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';

/** Queues a scan of every selected host; hosts already scanning are reported, not retried. */
export function ScanSelected({ ids, onDone }: { ids: Set<string>; onDone: () => void }) {
  const qc = useQueryClient();
  const scan = useMutation({
    mutationFn: async () => {
      const results = await Promise.allSettled(
        [...ids].map((id) =>
          call(() => client.POST('/api/v1/hosts/{id}/scans', { params: { path: { id } }, body: {} })),
        ),
      );
      const busy = results.filter(
        (r) =>
          r.status === 'rejected' && r.reason instanceof ApiProblem && r.reason.code === 'scan_in_progress',
      ).length;
      const failed = results.filter((r) => r.status === 'rejected').length - busy;
      return { queued: results.length - busy - failed, busy, failed };
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/scans'] }),
  });
  return (
    <div className="selection-bar" role="region" aria-label="Selected hosts">
      <span>
        <strong>{ids.size}</strong> selected
      </span>
      <button type="button" className="primary" disabled={scan.isPending} onClick={() => scan.mutate()}>
        {scan.isPending ? 'Queuing…' : 'Scan selected'}
      </button>
      <button type="button" onClick={onDone}>
        Clear
      </button>
      {scan.data && (
        <span role="status">
          {scan.data.queued} queued
          {scan.data.busy > 0 && `, ${scan.data.busy} already scanning`}
          {scan.data.failed > 0 && `, ${scan.data.failed} refused`}
        </span>
      )}
    </div>
  );
}
