import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { SeverityBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import { formatTime } from '../../components/format.ts';
import { AlertActions } from './AlertActions.tsx';

const STATES = ['active', 'acknowledged', 'silenced', 'resolved', 'dismissed'] as const;
type Filter = 'open' | (typeof STATES)[number] | '';
const LIMIT = 200;

/** Alerts with their lifecycle: open ones first by default, kept current by the events stream. */
export function Alerts() {
  const { can } = useSession();
  const [filter, setFilter] = useState<Filter>('open');
  const [unread, setUnread] = useState(false);
  const query = {
    limit: LIMIT,
    ...(filter === 'open' ? { open: 'true' as const } : filter ? { state: filter } : {}),
    ...(unread ? { unread: 'true' as const } : {}),
  };
  const list = useQuery({
    queryKey: ['/api/v1/alerts', query],
    queryFn: () => call(() => client.GET('/api/v1/alerts', { params: { query } })),
  });
  const manage = can('alerts:manage');
  return (
    <>
      <PageHeader
        title="Alerts"
        sub="Regressions, drift, unreachable hosts and changed host keys, as the alert rules match them."
        actions={
          <Link to="/alerts/channels" className="button">
            Notification channels
          </Link>
        }
      />
      <div className="filters">
        <nav className="tabs" aria-label="Filter by state">
          {(['open', ...STATES, ''] as const).map((s) => (
            <button
              key={s || 'all'}
              type="button"
              className={s === filter ? 'tab active' : 'tab'}
              aria-pressed={s === filter}
              onClick={() => setFilter(s)}
            >
              {s ? s[0]?.toUpperCase() + s.slice(1) : 'All'}
            </button>
          ))}
        </nav>
        <label className="check">
          <input type="checkbox" checked={unread} onChange={(e) => setUnread(e.target.checked)} />
          <span>Unread only</span>
        </label>
      </div>
      <FetchState
        query={list}
        rows={5}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No {filter === 'open' ? 'open' : filter} alerts. Nothing needs attention.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table data-testid="alerts-table">
              <TableHead
                cols={[
                  'Severity',
                  'Alert',
                  'Host',
                  'Rule',
                  'State',
                  'Opened',
                  'Resolved',
                  ...(manage ? [''] : []),
                ]}
              />
              <tbody>
                {d.items.map((a) => (
                  <tr key={a.id} data-alert={a.id} className={a.read ? undefined : 'unread'}>
                    <td>{a.severity ? <SeverityBadge severity={a.severity} /> : '—'}</td>
                    <td className="wrap">
                      {a.title}
                      <span className="muted small block">
                        {a.alert_rule.name} · {a.occurrences} occurrence{a.occurrences === 1 ? '' : 's'}
                      </span>
                    </td>
                    <td>
                      {a.host ? (
                        <Link to="/hosts/$hostId" params={{ hostId: a.host.id }}>
                          {a.host.hostname ?? a.host.id}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="mono">
                      {a.rule_id ? (
                        <Link to="/rules" search={{ rule: a.rule_id }}>
                          {a.rule_id}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <span className={`badge badge-alert-${a.state}`}>{a.state}</span>
                      {a.state === 'silenced' && (
                        <span className="muted small block">until {formatTime(a.silenced_until)}</span>
                      )}
                    </td>
                    <td>{formatTime(a.first_seen_at)}</td>
                    <td>{formatTime(a.resolved_at)}</td>
                    {manage && (
                      <td className="actions">
                        <AlertActions alert={a} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {d.next_cursor && (
              <p className="muted small pad">
                Showing the {LIMIT} most recently seen; narrow the filter for older ones.
              </p>
            )}
          </div>
        )}
      </FetchState>
    </>
  );
}
