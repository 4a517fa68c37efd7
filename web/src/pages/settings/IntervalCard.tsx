import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

export type IntervalKind = 'discovery' | 'liveness';
export const intervalKey = (kind: IntervalKind) => [`/api/v1/system/${kind}/config`] as const;

const TEXT: Record<IntervalKind, { title: string; what: string }> = {
  discovery: { title: 'Discovery', what: 'Read each host’s OS, kernel and packages' },
  liveness: { title: 'Liveness', what: 'Check that each host answers over SSH' },
};

/** The discovery or liveness schedule: on/off and minutes between runs per host. */
export function IntervalCard({
  kind,
  value,
  editable,
}: {
  kind: IntervalKind;
  value: { enabled: boolean; interval_minutes: number };
  editable: boolean;
}) {
  const qc = useQueryClient();
  const [enabled, setEnabled] = useState(value.enabled);
  const [minutes, setMinutes] = useState(String(value.interval_minutes));
  const save = useMutation({
    mutationFn: () => {
      const body = { enabled, interval_minutes: Number(minutes) };
      return call(() =>
        kind === 'discovery'
          ? client.PUT('/api/v1/system/discovery/config', { body })
          : client.PUT('/api/v1/system/liveness/config', { body }),
      );
    },
    onSuccess: (data) => qc.setQueryData(intervalKey(kind), data),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const t = TEXT[kind];
  return (
    <Card title={t.title}>
      <form onSubmit={submit} noValidate className="stack" aria-label={`${t.title} schedule`}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={enabled}
            disabled={!editable}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          {t.what} on a schedule
        </label>
        <Field
          id={`${kind}-minutes`}
          label={`Minutes between ${kind} checks`}
          hint="Whole minutes, 1 to 10,080 (a week)."
          error={fieldError(save.error, 'interval_minutes')}
        >
          <input
            id={`${kind}-minutes`}
            type="number"
            readOnly={!editable}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </Field>
        {save.error && <Problem error={save.error} title={`The ${kind} schedule was not saved`} />}
        {save.isSuccess && <p role="status">{t.title} schedule saved.</p>}
        {editable && (
          <div>
            <button type="submit" className="primary" disabled={save.isPending}>
              Save {kind} schedule
            </button>
          </div>
        )}
      </form>
    </Card>
  );
}
