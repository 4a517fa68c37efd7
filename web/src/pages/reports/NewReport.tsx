import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client, type paths } from '../../api/client.ts';
import { Card, Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

type Body = paths['/api/v1/reports']['post']['requestBody']['content']['application/json'];
const KINDS: { kind: Body['kind']; label: string }[] = [
  { kind: 'executive', label: 'Executive (posture, trend, top risks)' },
  { kind: 'attestation', label: 'Host attestation (latest scan with evidence)' },
  { kind: 'exception_register', label: 'Exception register' },
  { kind: 'change_report', label: 'Change report (last 30 days)' },
];

/** Generates a snapshot of the fleet, a group or a host (the API checks the scope and signs it). */
export function NewReport() {
  const qc = useQueryClient();
  const [kind, setKind] = useState<Body['kind']>('executive');
  const [scope, setScope] = useState<NonNullable<Body['scope']>>('fleet');
  const [scopeId, setScopeId] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/reports', {
          body: { kind, scope, ...(scope === 'fleet' ? {} : { scope_id: scopeId.trim() }) },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/reports'] }),
  });
  return (
    <Card title="Generate a report">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field id="report-kind" label="Kind">
          <select id="report-kind" value={kind} onChange={(e) => setKind(e.target.value as Body['kind'])}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="report-scope" label="Scope">
          <select
            id="report-scope"
            value={scope}
            onChange={(e) => setScope(e.target.value as NonNullable<Body['scope']>)}
          >
            <option value="fleet">Fleet</option>
            <option value="group">Group</option>
            <option value="host">Host</option>
          </select>
        </Field>
        {scope !== 'fleet' && (
          <Field id="report-scope-id" label={`${scope === 'host' ? 'Host' : 'Group'} id`}>
            <input id="report-scope-id" value={scopeId} onChange={(e) => setScopeId(e.target.value)} />
          </Field>
        )}
        <button type="submit" disabled={create.isPending}>
          Generate
        </button>
      </form>
      {create.error && <Problem error={create.error} />}
    </Card>
  );
}
