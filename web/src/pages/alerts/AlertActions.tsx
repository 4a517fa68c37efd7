import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { paths } from '../../api/client.ts';
import { call, client } from '../../api/client.ts';
import { Problem } from '../../components/Problem.tsx';

type Alert = paths['/api/v1/alerts']['get']['responses'][200]['content']['application/json']['items'][number];
type Action = 'acknowledge' | 'silence' | 'reopen' | 'resolve' | 'dismiss';

/** The actions each state allows (core/alerts/lifecycle.ts); closed alerts offer none. */
const ALLOWED: Record<string, Action[]> = {
  active: ['acknowledge', 'silence', 'resolve', 'dismiss'],
  acknowledged: ['silence', 'reopen', 'resolve', 'dismiss'],
  silenced: ['acknowledge', 'silence', 'reopen', 'resolve', 'dismiss'],
};
const LABEL: Record<Action, string> = {
  acknowledge: 'Acknowledge',
  silence: 'Silence',
  reopen: 'Reopen',
  resolve: 'Resolve',
  dismiss: 'Dismiss',
};
const SILENCE_HOURS = [1, 8, 24, 24 * 7];

function post(id: string, action: Action, silenceHours: number) {
  const path = { params: { path: { id } } };
  switch (action) {
    case 'silence': {
      const until = new Date(Date.now() + silenceHours * 3600_000).toISOString();
      return call(() => client.POST('/api/v1/alerts/{id}/silence', { ...path, body: { until } }));
    }
    case 'acknowledge':
      return call(() => client.POST('/api/v1/alerts/{id}/acknowledge', { ...path, body: {} }));
    case 'reopen':
      return call(() => client.POST('/api/v1/alerts/{id}/reopen', { ...path, body: {} }));
    case 'resolve':
      return call(() => client.POST('/api/v1/alerts/{id}/resolve', { ...path, body: {} }));
    case 'dismiss':
      return call(() => client.POST('/api/v1/alerts/{id}/dismiss', { ...path, body: {} }));
  }
}

/** Lifecycle buttons for one alert (alerts:manage); silencing asks for how long. */
export function AlertActions({ alert }: { alert: Alert }) {
  const qc = useQueryClient();
  const [hours, setHours] = useState(SILENCE_HOURS[1] ?? 8);
  const act = useMutation({
    mutationFn: (action: Action) => post(alert.id, action, hours),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/alerts'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/alerts/unread-count'] });
    },
  });
  const actions = ALLOWED[alert.state] ?? [];
  if (actions.length === 0) return null;
  return (
    <div className="row-actions">
      {actions.map((a) =>
        a === 'silence' ? (
          <span key={a} className="silence">
            <label className="sr-only" htmlFor={`silence-${alert.id}`}>
              Silence for
            </label>
            <select
              id={`silence-${alert.id}`}
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
            >
              {SILENCE_HOURS.map((h) => (
                <option key={h} value={h}>
                  {h < 24 ? `${h} h` : `${h / 24} d`}
                </option>
              ))}
            </select>
            <button type="button" disabled={act.isPending} onClick={() => act.mutate(a)}>
              {LABEL[a]}
            </button>
          </span>
        ) : (
          <button
            key={a}
            type="button"
            className={a === 'dismiss' ? 'danger' : undefined}
            disabled={act.isPending}
            onClick={() => act.mutate(a)}
          >
            {LABEL[a]}
          </button>
        ),
      )}
      {act.error && <Problem error={act.error} title="The alert was not changed" />}
    </div>
  );
}
