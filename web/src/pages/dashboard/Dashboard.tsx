import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card, PageHeader } from '../../components/Page.tsx';
import { band, pct } from '../../components/format.ts';
import { BandBar } from './BandBar.tsx';
import { RecentChanges } from './RecentChanges.tsx';
import { TopFailing } from './TopFailing.tsx';
import { postureQuery, summaryQuery, trendQuery } from './queries.ts';

// Fetched as soon as the dashboard's code is, not when the trend data arrives.
const chart = import('../../components/TrendChart.tsx');
const TrendChart = lazy(() => chart);

export function Dashboard() {
  const { can } = useSession();
  const posture = useQuery(postureQuery);
  // Scan queue counts change while scans run: scan events from the live stream refetch them.
  const summary = useQuery({ ...summaryQuery, enabled: can('hosts:read') });
  const trend = useQuery(trendQuery);

  return (
    <>
      <PageHeader title="Fleet posture" sub="Current compliance across every host OpenWatch scans." />
      <FetchState
        query={summary}
        isEmpty={(s) => s.hosts === 0}
        empty={
          <>
            <h2>No hosts yet</h2>
            <p>Add a host with an SSH credential, then scan it to see its posture here.</p>
            {can('hosts:manage') && (
              <Link to="/hosts/new" className="button primary">
                Add a host
              </Link>
            )}
          </>
        }
      >
        {(s) => (
          <>
            <div className="grid kpis">
              <FetchState query={posture} rows={2}>
                {(p) => (
                  <>
                    <div className={`kpi band-${band(p.score)}`}>
                      <span className="kpi-label">Fleet score</span>
                      <span className="kpi-value" data-testid="fleet-score">
                        {pct(p.score)}
                      </span>
                      <span className="muted small">
                        {p.counts.pass} pass · {p.counts.fail} fail · {p.hosts.assessed}/{p.hosts.total} hosts
                        assessed
                      </span>
                    </div>
                    <div className={`kpi band-${band(p.score_with_exceptions)}`}>
                      <span className="kpi-label">With approved exceptions</span>
                      <span className="kpi-value" data-testid="fleet-score-exceptions">
                        {pct(p.score_with_exceptions)}
                      </span>
                      <span className="muted small">
                        {p.excepted_fail} failure{p.excepted_fail === 1 ? '' : 's'} covered by exceptions
                      </span>
                    </div>
                  </>
                )}
              </FetchState>
              <div className="kpi">
                <span className="kpi-label">Scan queue</span>
                <span className="kpi-value">{s.scans.running + s.scans.queued}</span>
                <span className="muted small">
                  <Link to="/scans">
                    {s.scans.queued} queued · {s.scans.running} running · {s.scans.failed_today} failed today
                  </Link>
                </span>
              </div>
            </div>
            <div className="grid two">
              <Card title="Score trend, last 30 days">
                <FetchState query={trend} rows={6}>
                  {(t) => (
                    <Suspense fallback={<div className="chart" />}>
                      <TrendChart points={t.days} label="Fleet score" />
                    </Suspense>
                  )}
                </FetchState>
              </Card>
              <Card title="Hosts">
                <BandBar
                  title="By posture"
                  counts={s.posture}
                  order={['good', 'fair', 'poor', 'unscanned']}
                  labels={{ good: '≥ 90 %', fair: '70–90 %', poor: '< 70 %', unscanned: 'Not scanned' }}
                />
                <BandBar
                  title="By liveness"
                  counts={s.liveness}
                  order={['online', 'degraded', 'critical', 'down', 'unknown']}
                  labels={{
                    online: 'Online',
                    degraded: 'Degraded',
                    critical: 'Critical',
                    down: 'Down',
                    unknown: 'Unknown',
                  }}
                />
              </Card>
            </div>
            <div className="grid three">
              <TopFailing />
              <RecentChanges />
            </div>
          </>
        )}
      </FetchState>
    </>
  );
}
