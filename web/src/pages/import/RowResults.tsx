import type { ImportResult } from './send.ts';

const LABEL = { valid: 'Valid', created: 'Created', error: 'Error' } as const;
const BADGE = { valid: 'pass', created: 'completed', error: 'fail' } as const;

/** One line per input row: its number (CSV: the line), host name, and what became of it or why not. */
export function RowResults({ result, caption }: { result: ImportResult; caption: string }) {
  return (
    <div className="table-wrap">
      <div className="table-scroll">
        <table className="import-rows" data-testid="import-rows">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Host</th>
              <th scope="col">Result</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => (
              <tr key={r.row} data-status={r.status}>
                <td className="num">{r.row}</td>
                <td className="mono">{r.hostname ?? '—'}</td>
                <td>
                  <span className={`badge badge-${BADGE[r.status]}`}>{LABEL[r.status]}</span>
                </td>
                <td>
                  {r.message && (
                    <>
                      {r.message} <span className="mono muted small">({r.code})</span>
                    </>
                  )}
                  {r.details?.map((d) => (
                    <div key={d.field} className="small">
                      <span className="mono">{d.field}</span>: {d.message}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
