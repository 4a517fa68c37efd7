import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { band, formatTime, pct } from '../../components/format.ts';
import { CountsList } from '../../components/CountsList.tsx';

const route = getRouteApi('/app/hosts/$hostId');

/** `datetime-local` works in local time without a zone; the API takes ISO 8601 instants. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 19);
}

/** The host's score now, or at any past time picked here (the posture API's `at`). */
export function HostPosture({ hostId }: { hostId: string }) {
  const { at } = route.useSearch();
  const navigate = useNavigate({ from: '/hosts/$hostId' });
  const posture = useQuery({
    queryKey: ['/api/v1/posture', { host_id: hostId, at }],
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/posture', { params: { query: { host_id: hostId, ...(at ? { at } : {}) } } }),
      ),
  });
  return (
    <Card
      title={at ? `Posture at ${formatTime(at)}` : 'Posture now'}
      actions={
        <div className="at-picker">
          <label htmlFor="posture-at">Show posture at</label>
          <input
            id="posture-at"
            type="datetime-local"
            step={1}
            value={at ? toLocalInput(at) : ''}
            onChange={(e) => {
              const v = e.target.value;
              void navigate({
                search: (s) => ({ ...s, at: v ? new Date(v).toISOString() : undefined }),
                replace: true,
              });
            }}
          />
          {at && (
            <button
              type="button"
              className="link-button"
              onClick={() => void navigate({ search: (s) => ({ ...s, at: undefined }), replace: true })}
            >
              Now
            </button>
          )}
        </div>
      }
    >
      <FetchState query={posture} rows={3}>
        {(p) => (
          <div className="posture" data-testid="host-posture">
            <div className={`score-big band-${band(p.score)}`}>
              <span className="kpi-value" data-testid="host-score">
                {pct(p.score)}
              </span>
              <span className="muted small">
                {p.score_with_exceptions !== p.score && `${pct(p.score_with_exceptions)} with exceptions`}
              </span>
            </div>
            <CountsList counts={p.counts} testId="host-counts" />
            {p.frameworks.length > 0 && (
              <table className="compact">
                <caption>Score per framework</caption>
                <tbody>
                  {p.frameworks.map((f) => (
                    <tr key={f.framework}>
                      <th scope="row">{FRAMEWORK_LABEL[f.framework] ?? f.framework}</th>
                      <td className="num">{pct(f.score)}</td>
                      <td className="num muted small">
                        {f.counts.pass}/{f.counts.pass + f.counts.fail}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </FetchState>
    </Card>
  );
}

const FRAMEWORK_LABEL: Record<string, string> = {
  cis: 'CIS',
  stig: 'DISA STIG',
  nist_800_53: 'NIST 800-53',
  pci_dss_4: 'PCI DSS 4',
  cac: 'ComplianceAsCode',
};
