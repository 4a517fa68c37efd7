import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';
import { TableHead } from '../../components/TableHead.tsx';
import { AuditChain } from './AuditChain.tsx';

/** The hash-chained audit log, newest first, filtered by event code prefix and actor. */
export function Audit() {
  const { can } = useSession();
  const [code, setCode] = useState('');
  const [actor, setActor] = useState('');
  const query = { limit: 200, ...(code ? { code } : {}), ...(actor ? { actor } : {}) };
  const events = useQuery({
    queryKey: ['/api/v1/audit/events', query],
    queryFn: () => call(() => client.GET('/api/v1/audit/events', { params: { query } })),
    placeholderData: (p) => p,
  });
  const exportQs = new URLSearchParams({ ...(code ? { code } : {}), ...(actor ? { actor } : {}) });
  return (
    <>
      <PageHeader
        title="Audit log"
        sub="Every security-relevant action, append-only and hash-chained."
        actions={
          can('audit:export') &&
          (['csv', 'json'] as const).map((f) => (
            <a
              key={f}
              className="button"
              href={`/api/v1/audit/events/export?format=${f}&${exportQs.toString()}`}
              download
            >
              Export {f.toUpperCase()}
            </a>
          ))
        }
      />
      <AuditChain />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Event code</span>
          <input
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
            placeholder="e.g. auth.login"
          />
        </label>
        <label>
          <span>Actor</span>
          <input value={actor} onChange={(e) => setActor(e.target.value.trim())} placeholder="username" />
        </label>
      </form>
      <FetchState
        query={events}
        rows={10}
        isEmpty={(d) => d.items.length === 0}
        empty={<p>No events match.</p>}
      >
        {(d) => (
          <div className="card flush">
            <table>
              <TableHead cols={['Time', 'Event', 'Actor', 'Target', 'Address', 'Hash']} />
              <tbody>
                {d.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatTime(e.time)}</td>
                    <td className="mono">{e.code}</td>
                    <td>{e.actor.name}</td>
                    <td className="mono small">
                      {e.target.type ? `${e.target.type}:${e.target.id ?? ''}` : '—'}
                    </td>
                    <td className="mono small">{e.ip ?? '—'}</td>
                    <td className="mono small" title={e.hash}>
                      {e.hash.slice(0, 12)}…
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
