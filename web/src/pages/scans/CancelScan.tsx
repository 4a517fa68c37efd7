import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';

export function CancelScan({ id }: { id: string }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/scans/{id}/cancel', { params: { path: { id } } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['/api/v1/scans'] }),
  });
  if (!can('scans:run')) return null;
  return (
    <button
      type="button"
      className="danger small"
      disabled={cancel.isPending}
      onClick={() => cancel.mutate()}
    >
      Cancel
    </button>
  );
}
