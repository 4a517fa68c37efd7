import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { TableHead } from '../../components/TableHead.tsx';
import type { Group } from './group-types.ts';

/** Finds live hosts by name or address (server-side search) to add to the group. */
function AddMember({ group, onAdd, busy }: { group: Group; onAdd: (id: string) => void; busy: boolean }) {
  const [q, setQ] = useState('');
  const term = q.trim();
  const found = useQuery({
    queryKey: ['/api/v1/hosts', { q: term, limit: 10 }],
    queryFn: () => call(() => client.GET('/api/v1/hosts', { params: { query: { q: term, limit: 10 } } })),
    enabled: term.length > 0,
  });
  const members = new Set(group.hosts.map((h) => h.id));
  const candidates = (found.data?.items ?? []).filter((h) => !members.has(h.id));
  return (
    <div className="stack">
      <Field id="gm-search" label="Add a host" hint="Search by hostname or address.">
        <input id="gm-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </Field>
      {found.error && <Problem error={found.error} />}
      {term && found.isSuccess && candidates.length === 0 && (
        <p className="muted small">No other host matches “{term}”.</p>
      )}
      {candidates.length > 0 && (
        <ul className="stack" aria-label="Matching hosts">
          {candidates.map((h) => (
            <li key={h.id} className="row-inline">
              <span className="strong">{h.hostname}</span>
              <span className="muted small">
                {h.address} · {h.environment}
              </span>
              <button type="button" className="small" disabled={busy} onClick={() => onAdd(h.id)}>
                Add {h.hostname}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The group's members; hand-added ones can be removed, OS-family ones follow the host's OS. */
export function GroupMembers({ group, editable }: { group: Group; editable: boolean }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: ({ hostId, add }: { hostId: string; add: boolean }) => {
      const params = { params: { path: { id: group.id, hostId } } };
      return call(() =>
        add
          ? client.POST('/api/v1/groups/{id}/hosts/{hostId}', params)
          : client.DELETE('/api/v1/groups/{id}/hosts/{hostId}', params),
      );
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups/{id}', group.id] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/posture', { group_id: group.id }] });
    },
  });
  return (
    <Card title={`Members (${group.hosts.length})`}>
      {change.error && <Problem error={change.error} title="The members were not changed" />}
      {group.hosts.length === 0 ? (
        <p className="empty">
          No hosts in this group yet.{editable && ' Search for a host below to add it.'}
        </p>
      ) : (
        <table data-testid="group-members">
          <TableHead cols={['Host', 'Address', 'Environment', 'Membership', '']} />
          <tbody>
            {group.hosts.map((h) => (
              <tr key={h.id} data-member={h.hostname}>
                <td>
                  <Link to="/hosts/$hostId" params={{ hostId: h.id }} className="strong">
                    {h.hostname}
                  </Link>
                </td>
                <td className="mono">{h.address}</td>
                <td>{h.environment}</td>
                <td>{h.membership === 'auto' ? `automatic (${group.auto_os_family ?? 'OS'})` : 'by hand'}</td>
                <td className="actions">
                  {editable && h.membership === 'manual' && (
                    <button
                      type="button"
                      className="small"
                      disabled={change.isPending}
                      onClick={() => change.mutate({ hostId: h.id, add: false })}
                    >
                      Remove {h.hostname}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && (
        <div className="spaced-top">
          <AddMember
            group={group}
            busy={change.isPending}
            onAdd={(hostId) => change.mutate({ hostId, add: true })}
          />
        </div>
      )}
    </Card>
  );
}
