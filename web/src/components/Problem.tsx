import { ApiProblem } from '../api/problem.ts';

/** An API failure as the user needs it: what happened, what to do, and the id support will ask for. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  const p = error instanceof ApiProblem ? error : undefined;
  const forbidden = p?.status === 403;
  return (
    <div className="problem" role="alert">
      <strong>{title ?? (forbidden ? 'Not permitted' : 'Something went wrong')}</strong>
      <p>{p ? p.message : error instanceof Error ? error.message : 'The request failed.'}</p>
      {forbidden && <p>Your role does not include this action. Ask an administrator for the permission.</p>}
      {p?.status === 0 || !p ? <p>Check that the OpenWatch server is reachable, then try again.</p> : null}
      {p && (
        <p className="muted small">
          {p.code}
          {p.correlationId && (
            <>
              {' · correlation id '}
              <code>{p.correlationId}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}
