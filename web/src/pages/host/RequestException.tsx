import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../../api/client.ts';
import { Field } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';

/** Asks for an exception to one rule on one host; someone else approves it in the exceptions queue. */
export function RequestException({ hostId, ruleId }: { hostId: string; ruleId: string }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const request = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/exceptions', {
          body: {
            host_id: hostId,
            rule_id: ruleId,
            reason,
            ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/exceptions'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate();
  };
  if (request.isSuccess) {
    return (
      <p className="notice" role="status">
        Exception requested. It takes effect when another user approves it.
      </p>
    );
  }
  return (
    <form onSubmit={submit} className="exception-form">
      <h4>Request an exception</h4>
      <Field id="ex-reason" label="Reason" hint="Why this host may deviate, and what compensates.">
        <textarea
          id="ex-reason"
          required
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <Field id="ex-expires" label="Expires (optional)">
        <input id="ex-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </Field>
      {request.error && <Problem error={request.error} title="The exception was not requested" />}
      <button type="submit" disabled={request.isPending}>
        Request exception
      </button>
    </form>
  );
}
