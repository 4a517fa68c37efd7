import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client, type paths } from '../../api/client.ts';
import { fieldError } from '../../api/problem.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

type ScanSchedule =
  paths['/api/v1/system/scan/config']['get']['responses'][200]['content']['application/json'];
const CLASSES = ['critical', 'high', 'medium', 'low', 'compliant'] as const;
export const SCAN_KEY = ['/api/v1/system/scan/config'] as const;

/**
 * How often a host is scanned by its posture class, the per-run cap and global maintenance. The
 * numbers go to the API as typed (no browser-side limits), so its per-field messages are the ones shown.
 */
export function ScanScheduleCard({ value, editable }: { value: ScanSchedule; editable: boolean }) {
  const qc = useQueryClient();
  const [f, setF] = useState(() => ({
    enabled: value.enabled,
    maintenance_global: value.maintenance_global,
    max_per_tick: String(value.max_per_tick),
    ...Object.fromEntries(CLASSES.map((c) => [c, String(value.intervals_hours[c])])),
  }));
  const text = (k: string) => (f as Record<string, unknown>)[k] as string;
  const save = useMutation({
    mutationFn: () =>
      call(() =>
        client.PUT('/api/v1/system/scan/config', {
          body: {
            enabled: f.enabled,
            maintenance_global: f.maintenance_global,
            max_per_tick: Number(f.max_per_tick),
            intervals_hours: {
              critical: Number(text('critical')),
              high: Number(text('high')),
              medium: Number(text('medium')),
              low: Number(text('low')),
              compliant: Number(text('compliant')),
            },
          },
        }),
      ),
    onSuccess: (data) => qc.setQueryData(SCAN_KEY, data),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const orderError = fieldError(save.error, 'intervals_hours');
  return (
    <Card title="Scans">
      <form onSubmit={submit} noValidate className="stack" aria-label="Scan schedule">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={f.enabled}
            disabled={!editable}
            onChange={(e) => setF({ ...f, enabled: e.target.checked })}
          />
          Scan hosts on a schedule
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={f.maintenance_global}
            disabled={!editable}
            onChange={(e) => setF({ ...f, maintenance_global: e.target.checked })}
          />
          Global maintenance: schedule nothing for any host
        </label>
        <fieldset className="plain">
          <legend>Hours between scans, by the host&apos;s worst failing severity</legend>
          <div className="interval-grid">
            {CLASSES.map((c) => (
              <Field
                key={c}
                id={`scan-${c}`}
                label={c === 'compliant' ? 'Compliant' : `${c[0]?.toUpperCase() ?? ''}${c.slice(1)}`}
                error={fieldError(save.error, `intervals_hours.${c}`)}
              >
                <input
                  id={`scan-${c}`}
                  type="number"
                  step="any"
                  inputMode="decimal"
                  readOnly={!editable}
                  value={text(c)}
                  onChange={(e) => setF({ ...f, [c]: e.target.value })}
                />
              </Field>
            ))}
          </div>
          {orderError && (
            <p className="field-error" role="alert">
              {orderError}
            </p>
          )}
        </fieldset>
        <Field
          id="scan-max"
          label="Most scans queued per scheduler run"
          hint="1 to 10,000; the scheduler runs every minute."
          error={fieldError(save.error, 'max_per_tick')}
        >
          <input
            id="scan-max"
            type="number"
            readOnly={!editable}
            value={f.max_per_tick}
            onChange={(e) => setF({ ...f, max_per_tick: e.target.value })}
          />
        </Field>
        {save.error && <Problem error={save.error} title="The scan schedule was not saved" />}
        {save.isSuccess && <p role="status">Scan schedule saved.</p>}
        {editable && (
          <div>
            <button type="submit" className="primary" disabled={save.isPending}>
              Save scan schedule
            </button>
          </div>
        )}
      </form>
    </Card>
  );
}
