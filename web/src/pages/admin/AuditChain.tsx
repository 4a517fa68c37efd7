import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { Problem } from '../../components/Problem.tsx';
import { formatTime } from '../../components/format.ts';

/** The hash chain's state, verified by the server as `openwatch audit verify` does, as a banner. */
export function AuditChain() {
  const verdict = useQuery({
    queryKey: ['/api/v1/audit/verify'],
    queryFn: () => call(() => client.GET('/api/v1/audit/verify')),
    staleTime: 60_000,
  });
  if (verdict.isPending)
    return (
      <p className="notice" role="status" aria-busy="true">
        Verifying the audit chain…
      </p>
    );
  if (verdict.isError) return <Problem error={verdict.error} title="The audit chain could not be verified" />;
  const v = verdict.data;
  return v.intact ? (
    <p className="notice ok" role="status" data-testid="audit-chain">
      Audit chain intact: {v.checked} events verified (last id {v.last_id}) at {formatTime(v.verified_at)}.
    </p>
  ) : (
    <p className="notice error" role="alert" data-testid="audit-chain">
      Audit chain broken at event {v.broken?.id}: {v.broken?.reason}. {v.checked} events before it verified.
      Run <code>openwatch audit verify</code> on the server and restore from a backup or checkpoint.
    </p>
  );
}
