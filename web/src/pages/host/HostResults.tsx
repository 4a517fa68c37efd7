import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { SeverityBadge, StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { ago, formatTime } from '../../components/format.ts';
import { RuleEvidence } from './RuleEvidence.tsx';
import { TableHead } from '../../components/TableHead.tsx';

const route = getRouteApi('/app/hosts/$hostId');
const FILTERS = [
  ['fail', 'Failing'],
  ['pass', 'Passing'],
  ['error', 'Errors'],
  ['not_applicable', 'Not applicable'],
  ['all', 'All'],
] as const;
const SEVERITY_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * The host's verdict per rule, now or at the time the posture picker chose (`?at=`); picking one opens
 * its evidence, text and fix beside the list.
 */
export function HostResults({ hostId }: { hostId: string }) {
  const search = route.useSearch();
  const { at } = search;
  const status = search.status ?? 'fail';
  const results = useQuery({
    queryKey: ['/api/v1/hosts/{id}/results', hostId, { at }],
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/hosts/{id}/results', {
          params: { path: { id: hostId }, query: at ? { at } : {} },
        }),
      ),
  });
  return (
    <Card title={at ? `Rule results at ${formatTime(at)}` : 'Rule results'}>
      <FetchState
        query={results}
        rows={8}
        isEmpty={(d) => d.items.length === 0}
        empty={
          at ? (
            <p>No completed scan of this host at or before {formatTime(at)}. Pick a later time.</p>
          ) : (
            <p>No results yet. Scan the host to evaluate the rule corpus on it.</p>
          )
        }
      >
        {(d) => {
          const rows = d.items
            .filter((r) => status === 'all' || r.status === status)
            .sort(
              (a, b) =>
                (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
                a.rule_id.localeCompare(b.rule_id),
            );
          const open = d.items.find((r) => r.rule_id === search.rule);
          return (
            <>
              <nav className="tabs" aria-label="Filter results by status">
                {FILTERS.map(([value, label]) => (
                  <Link
                    key={value}
                    from="/hosts/$hostId"
                    search={(s) => ({ ...s, status: value })}
                    replace
                    className={value === status ? 'tab active' : 'tab'}
                    aria-current={value === status ? 'true' : undefined}
                  >
                    {label}{' '}
                    <span className="count">{value === 'all' ? d.items.length : (d.counts[value] ?? 0)}</span>
                  </Link>
                ))}
              </nav>
              <div className={open ? 'master-detail' : undefined}>
                <div className="table-scroll results-scroll">
                  <table className="results" data-testid="host-results">
                    <TableHead cols={['Rule', 'Severity', 'Status', 'Since']} />
                    <tbody>
                      {rows.map((r) => (
                        <tr
                          key={r.rule_id}
                          className={r.rule_id === search.rule ? 'selected' : undefined}
                          data-rule={r.rule_id}
                        >
                          <td>
                            <Link from="/hosts/$hostId" search={(s) => ({ ...s, rule: r.rule_id })} replace>
                              {r.title ?? r.rule_id}
                            </Link>
                            <span className="muted small block mono">{r.rule_id}</span>
                          </td>
                          <td>
                            <SeverityBadge severity={r.severity} />
                          </td>
                          <td>
                            <StatusBadge status={r.status} />
                            {r.exception && <span className="pill">exception</span>}
                          </td>
                          <td title={formatTime(r.status_since)}>{ago(r.status_since)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {open && <RuleEvidence hostId={hostId} result={open} />}
              </div>
            </>
          );
        }}
      </FetchState>
    </Card>
  );
}
