import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { topFailingQuery } from './queries.ts';
import { SeverityBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { Card } from '../../components/Page.tsx';
import { pct } from '../../components/format.ts';
import { TableHead } from '../../components/TableHead.tsx';

export function TopFailing() {
  const q = useQuery(topFailingQuery);
  return (
    <>
      <Card title="Top failing rules">
        <FetchState query={q} isEmpty={(d) => d.rules.length === 0} empty={<p>No rule fails anywhere.</p>}>
          {(d) => (
            <table>
              <TableHead cols={['Rule', 'Severity', ['Failing hosts', 'num']]} />
              <tbody>
                {d.rules.map((r) => (
                  <tr key={r.rule_id}>
                    <td>
                      <Link to="/rules" search={{ rule: r.rule_id }}>
                        {r.title ?? r.rule_id}
                      </Link>
                    </td>
                    <td>
                      <SeverityBadge severity={r.severity} />
                    </td>
                    <td className="num">{r.failing_hosts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </FetchState>
      </Card>
      <Card title="Lowest-scoring hosts">
        <FetchState query={q} isEmpty={(d) => d.hosts.length === 0} empty={<p>No host scanned yet.</p>}>
          {(d) => (
            <table>
              <TableHead cols={['Host', ['Fail', 'num'], ['Score', 'num']]} />
              <tbody>
                {d.hosts.map((h) => (
                  <tr key={h.host_id}>
                    <td>
                      <Link to="/hosts/$hostId" params={{ hostId: h.host_id }}>
                        {h.hostname}
                      </Link>
                    </td>
                    <td className="num">{h.counts.fail}</td>
                    <td className="num">{pct(h.score)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </FetchState>
      </Card>
    </>
  );
}
