import { useQueries } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { Problem } from '../../components/Problem.tsx';

function results(id: string) {
  return {
    queryKey: ['/api/v1/scans/{id}/results', id],
    queryFn: () => call(() => client.GET('/api/v1/scans/{id}/results', { params: { path: { id } } })),
    staleTime: Infinity,
  };
}

/** Rules whose verdict differs between two scans of one host (a finished scan's results never change). */
export function ScanDiff({ older, newer }: { older: string; newer: string }) {
  const [a, b] = useQueries({ queries: [results(older), results(newer)] });
  if (a?.error ?? b?.error) return <Problem error={a?.error ?? b?.error} />;
  if (!a?.data || !b?.data) return <p className="muted">Comparing…</p>;
  const before = new Map(a.data.results.map((r) => [r.rule_id, r.status]));
  const diff = b.data.results.filter((r) => before.get(r.rule_id) !== r.status);
  return (
    <div className="diff" data-testid="scan-diff">
      <h3>
        {diff.length} rule{diff.length === 1 ? '' : 's'} changed
      </h3>
      <ul>
        {diff.map((r) => (
          <li key={r.rule_id}>
            <span className="mono">{r.rule_id}</span>{' '}
            <StatusBadge status={before.get(r.rule_id) ?? 'unknown'} /> → <StatusBadge status={r.status} />
          </li>
        ))}
      </ul>
    </div>
  );
}
