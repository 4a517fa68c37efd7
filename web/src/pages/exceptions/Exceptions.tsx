import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { HostName } from '../../components/HostName.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { ExceptionActions } from './ExceptionActions.tsx';
import { TableHead } from '../../components/TableHead.tsx';

const STATES = ['requested', 'approved', 'rejected', 'revoked', 'expired'] as const;
type State = (typeof STATES)[number];

/** The exceptions queue: requests wait for a second person; approved ones can be revoked. */
export function Exceptions() {
  const [state, setState] = useState<State | ''>('requested');
  const list = useQuery({
    queryKey: ['/api/v1/exceptions', { state }],
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/exceptions', { params: { query: { limit: 200, ...(state ? { state } : {}) } } }),
      ),
  });
  return (
    <>
      <PageHeader
        title="Exceptions"
        sub="Accepted deviations from a rule. Nobody approves their own request."
      />
      <nav className="tabs" aria-label="Filter by state">
        {[...STATES, '' as const].map((s) => (
          <button
            key={s || 'all'}
            type="button"
            className={s === state ? 'tab active' : 'tab'}
            aria-pressed={s === state}
            onClick={() => setState(s)}
          >
            {s ? s[0]?.toUpperCase() + s.slice(1) : 'All'}
          </button>
        ))}
      </nav>
      <FetchState
        query={list}
        rows={5}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No {state || ''} exceptions. Request one from a failing rule on a host's page.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Rule', 'Scope', 'Reason', 'Requested', 'State', 'Expires', '']} />
              <tbody>
                {d.items.map((x) => (
                  <tr key={x.id} data-exception={x.id}>
                    <td className="mono">
                      <Link to="/rules" search={{ rule: x.rule_id }}>
                        {x.rule_id}
                      </Link>
                    </td>
                    <td>{x.host_id ? <HostName id={x.host_id} /> : 'group'}</td>
                    <td className="wrap">{x.reason}</td>
                    <td>
                      {x.requested_by?.username ?? '—'}
                      <span className="muted small block">{formatTime(x.requested_at)}</span>
                    </td>
                    <td>
                      <StatusBadge status={x.state} />
                      {x.decided_by && <span className="muted small block">by {x.decided_by.username}</span>}
                    </td>
                    <td>{formatTime(x.expires_at)}</td>
                    <td className="actions">
                      <ExceptionActions exception={x} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FetchState>
    </>
  );
}
