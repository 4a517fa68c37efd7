import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { paths } from '../../api/client.ts';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { SeverityBadge, StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { References } from '../../components/References.tsx';
import { formatTime } from '../../components/format.ts';
import { RequestException } from './RequestException.tsx';
import { TableHead } from '../../components/TableHead.tsx';

type Result =
  paths['/api/v1/hosts/{id}/results']['get']['responses'][200]['content']['application/json']['items'][number];

interface Evidence {
  source: string;
  observed: string | null;
  expected: string;
  note?: string;
}

function evidenceList(v: unknown): Evidence[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (e): e is Evidence => typeof e === 'object' && e !== null && 'source' in e && 'expected' in e,
  );
}

/** One verdict read the way an auditor reads it: observed vs expected, where from, why, and the fix. */
export function RuleEvidence({ hostId, result }: { hostId: string; result: Result }) {
  const { can } = useSession();
  const rule = useQuery({
    queryKey: ['/api/v1/rules/{id}', result.rule_id],
    queryFn: () => call(() => client.GET('/api/v1/rules/{id}', { params: { path: { id: result.rule_id } } })),
  });
  const evidence = evidenceList(result.evidence);
  return (
    <aside className="evidence" aria-label={`Evidence for ${result.rule_id}`} data-testid="evidence">
      <header>
        <h3>{result.title ?? result.rule_id}</h3>
        <div className="row-inline">
          <StatusBadge status={result.status} />
          <SeverityBadge severity={result.severity} />
          <span className="muted small">checked {formatTime(result.last_checked_at)}</span>
          <Link from="/hosts/$hostId" search={(s) => ({ ...s, rule: undefined })} replace className="close">
            Close
          </Link>
        </div>
      </header>
      {result.reason && <p className="notice">{result.reason}</p>}
      <h4>Evidence</h4>
      {evidence.length === 0 ? (
        <p className="muted">No evidence recorded.</p>
      ) : (
        <table className="evidence-table">
          <TableHead cols={['Observed', 'Expected', 'Source']} />
          <tbody>
            {evidence.map((e, i) => (
              <tr key={i}>
                <td className="mono" data-testid="observed">
                  {e.observed ?? <em>absent</em>}
                </td>
                <td className="mono" data-testid="expected">
                  {e.expected}
                </td>
                <td className="mono small" data-testid="source">
                  {e.source}
                  {e.note && <span className="muted block">{e.note}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FetchState query={rule} rows={4}>
        {(r) => (
          <>
            <h4>Description</h4>
            <p>{r.description}</p>
            <h4>Rationale</h4>
            <p>{r.rationale}</p>
            <h4>How to fix it</h4>
            <pre className="remediation" data-testid="remediation">
              {r.remediation}
            </pre>
            <h4>References</h4>
            <References refs={r.references} />
          </>
        )}
      </FetchState>
      {result.exception ? (
        <p className="notice">
          An approved exception covers this rule
          {result.exception.expires_at ? ` until ${formatTime(result.exception.expires_at)}` : ''}.
        </p>
      ) : (
        result.status === 'fail' &&
        can('exceptions:manage') && <RequestException hostId={hostId} ruleId={result.rule_id} />
      )}
    </aside>
  );
}
