import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { SeverityBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { References } from '../../components/References.tsx';

/** A rule's text, references and the fleet's current pass/fail counts for it. */
export function RuleDetail({ id }: { id: string }) {
  const rule = useQuery({
    queryKey: ['/api/v1/rules/{id}', id],
    queryFn: () => call(() => client.GET('/api/v1/rules/{id}', { params: { path: { id } } })),
  });
  return (
    <aside className="evidence card" aria-label={`Rule ${id}`}>
      <FetchState query={rule} rows={6}>
        {(r) => (
          <>
            <header>
              <h3>{r.title}</h3>
              <div className="row-inline">
                <SeverityBadge severity={r.severity} />
                <span className="mono small">{r.id}</span>
                <Link from="/rules" search={(s) => ({ ...s, rule: undefined })} replace className="close">
                  Close
                </Link>
              </div>
            </header>
            <dl className="counts">
              <div>
                <dt>Passing hosts</dt>
                <dd className="c-pass">{r.fleet.pass}</dd>
              </div>
              <div>
                <dt>Failing hosts</dt>
                <dd className="c-fail">{r.fleet.fail}</dd>
              </div>
              <div>
                <dt>Errors</dt>
                <dd>{r.fleet.error}</dd>
              </div>
              <div>
                <dt>N/A</dt>
                <dd>{r.fleet.not_applicable}</dd>
              </div>
            </dl>
            <h4>Description</h4>
            <p>{r.description}</p>
            <h4>Rationale</h4>
            <p>{r.rationale}</p>
            <h4>How to fix it</h4>
            <pre className="remediation">{r.remediation}</pre>
            <h4>References</h4>
            <References refs={r.references} />
            <p className="muted small">
              Platforms: {r.platforms.length === 0 ? 'any' : r.platforms.map((p) => p.family).join(', ')}
            </p>
          </>
        )}
      </FetchState>
    </aside>
  );
}
