import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { forEachHost, type HostOutcome } from './per-host.ts';

interface Run {
  action: string;
  outcomes: HostOutcome[];
  /** The names as they were when the action started: a host that failed may be gone from the list. */
  names: Map<string, string>;
}

/**
 * What can be done to the selected hosts at once: scan, maintenance on or off, join or leave a group.
 * Each host is one request to the endpoint that acts on one host (its permission and audit event as
 * ever), and each host's outcome is shown: a partial failure names the hosts it failed for and why.
 */
export function BulkActions({
  ids,
  names,
  onClear,
}: {
  ids: Set<string>;
  names: Map<string, string>;
  onClear: () => void;
}) {
  const qc = useQueryClient();
  const { can } = useSession();
  const manage = can('hosts:manage');
  const [groupId, setGroupId] = useState('');
  const groups = useQuery({
    queryKey: ['/api/v1/groups'],
    queryFn: () => call(() => client.GET('/api/v1/groups')),
    enabled: manage,
  });
  const run = useMutation({
    mutationFn: async ({ action, act }: { action: string; act: (id: string) => Promise<unknown> }) => {
      const known = new Map([...ids].map((id) => [id, names.get(id) ?? id]));
      return { action, outcomes: await forEachHost([...ids], act), names: known };
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/hosts'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/groups'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/scans'] });
    },
  });
  const go = (action: string, act: (id: string) => Promise<unknown>) => run.mutate({ action, act });
  const scan = (id: string) =>
    call(() => client.POST('/api/v1/hosts/{id}/scans', { params: { path: { id } }, body: {} }));
  const maintenance = (on: boolean) => (id: string) =>
    call(() => client.PATCH('/api/v1/hosts/{id}', { params: { path: { id } }, body: { maintenance: on } }));
  const member = (add: boolean) => (hostId: string) =>
    add
      ? call(() =>
          client.POST('/api/v1/groups/{id}/hosts/{hostId}', { params: { path: { id: groupId, hostId } } }),
        )
      : call(() =>
          client.DELETE('/api/v1/groups/{id}/hosts/{hostId}', { params: { path: { id: groupId, hostId } } }),
        );
  const groupName = groups.data?.items.find((g) => g.id === groupId)?.name ?? '';
  const busy = run.isPending;
  return (
    <div className="selection-bar" role="region" aria-label="Selected hosts">
      <div className="selection-actions">
        <span>
          <strong>{ids.size}</strong> selected
        </span>
        {can('scans:run') && (
          <button type="button" className="primary" disabled={busy} onClick={() => go('Scan', scan)}>
            Scan selected
          </button>
        )}
        {manage && (
          <>
            <button type="button" disabled={busy} onClick={() => go('Maintenance on', maintenance(true))}>
              Maintenance on
            </button>
            <button type="button" disabled={busy} onClick={() => go('Maintenance off', maintenance(false))}>
              Maintenance off
            </button>
            <label className="inline">
              <span className="sr-only">Group</span>
              <select
                aria-label="Group for selected"
                value={groupId}
                onChange={(e) => setGroupId(e.target.value)}
              >
                <option value="">Group…</option>
                {groups.data?.items.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={busy || !groupId}
              onClick={() => go(`Add to ${groupName}`, member(true))}
            >
              Add to group
            </button>
            <button
              type="button"
              disabled={busy || !groupId}
              onClick={() => go(`Remove from ${groupName}`, member(false))}
            >
              Remove from group
            </button>
          </>
        )}
        <button type="button" onClick={onClear} disabled={busy}>
          Clear
        </button>
        {busy && <span role="status">Working on {ids.size} hosts…</span>}
      </div>
      {run.data && <Outcomes run={run.data} />}
    </div>
  );
}

function Outcomes({ run }: { run: Run }) {
  const failed = run.outcomes.filter((o) => !o.ok);
  const done = run.outcomes.length - failed.length;
  const name = (id: string) => run.names.get(id) ?? id;
  return (
    <div className="bulk-outcome" role="status" data-testid="bulk-outcome">
      <p>
        <strong>{run.action}:</strong> {done} of {run.outcomes.length} done
        {failed.length > 0 && `, ${failed.length} failed`}
      </p>
      {failed.length > 0 && (
        <ul className="bulk-failures">
          {failed.map((o) => (
            <li key={o.id}>
              <strong>{name(o.id)}</strong>: {o.message} <span className="mono muted">({o.code})</span>
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Every host ({run.outcomes.length})</summary>
        <ul className="bulk-all">
          {run.outcomes.map((o) => (
            <li key={o.id}>
              {name(o.id)}: {o.ok ? 'done' : `failed: ${o.message}`}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
