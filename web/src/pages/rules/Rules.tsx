import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { call, client } from '../../api/client.ts';
import { SeverityBadge } from '../../components/Badges.tsx';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { RuleDetail } from './RuleDetail.tsx';
import { TableHead } from '../../components/TableHead.tsx';

const route = getRouteApi('/app/rules');
const FRAMEWORKS = [
  ['cis', 'CIS'],
  ['stig', 'DISA STIG'],
  ['nist_800_53', 'NIST 800-53'],
  ['pci_dss_4', 'PCI DSS 4'],
] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Platform families the corpus's rules name (a rule without platforms applies to every one). */
const PLATFORMS = [
  ['debian', 'Debian'],
  ['ubuntu', 'Ubuntu'],
  ['rhel', 'RHEL family'],
] as const;
type Framework = (typeof FRAMEWORKS)[number][0];
type Severity = (typeof SEVERITIES)[number];

export function Rules() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/rules' });
  const query = {
    limit: 500,
    ...(search.q ? { q: search.q } : {}),
    ...(search.framework ? { framework: search.framework as Framework } : {}),
    ...(search.severity ? { severity: search.severity as Severity } : {}),
    ...(search.category ? { category: search.category } : {}),
    ...(search.tag ? { tag: search.tag } : {}),
    ...(search.platform ? { platform: search.platform } : {}),
  };
  const rules = useQuery({
    queryKey: ['/api/v1/rules', query],
    queryFn: () => call(() => client.GET('/api/v1/rules', { params: { query } })),
    placeholderData: (p) => p,
  });
  const set = (k: 'q' | 'framework' | 'severity' | 'category' | 'tag' | 'platform') => (e: { target: { value: string } }) =>
    void navigate({ search: (s) => ({ ...s, [k]: e.target.value || undefined }), replace: true });
  return (
    <>
      <PageHeader title="Rules" sub="The compliance rule corpus and how the fleet fares against each rule." />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Search</span>
          <input type="search" defaultValue={search.q ?? ''} onChange={set('q')} placeholder="Id or title" />
        </label>
        <label>
          <span>Framework</span>
          <select value={search.framework ?? ''} onChange={set('framework')}>
            <option value="">Any</option>
            {FRAMEWORKS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Severity</span>
          <select value={search.severity ?? ''} onChange={set('severity')}>
            <option value="">Any</option>
            {SEVERITIES.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Category</span>
          <input defaultValue={search.category ?? ''} onChange={set('category')} placeholder="e.g. ssh" />
        </label>
        <label>
          <span>Tag</span>
          <input defaultValue={search.tag ?? ''} onChange={set('tag')} placeholder="e.g. pam" />
        </label>
        <label>
          <span>Platform</span>
          <select value={search.platform ?? ''} onChange={set('platform')}>
            <option value="">Any</option>
            {PLATFORMS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </form>
      <div className={search.rule ? 'master-detail' : undefined}>
        <FetchState query={rules} rows={10} isEmpty={(d) => d.items.length === 0} empty={<p>No rule matches.</p>}>
          {(d) => (
            <div className="card flush table-scroll results-scroll">
              <table>
                <TableHead cols={['Rule', 'Category', 'Severity']} />
                <tbody>
                  {d.items.map((r) => (
                    <tr key={r.id} className={r.id === search.rule ? 'selected' : undefined}>
                      <td>
                        <Link from="/rules" search={(s) => ({ ...s, rule: r.id })} replace>
                          {r.title}
                        </Link>
                        <span className="muted small block mono">{r.id}</span>
                      </td>
                      <td>{r.category}</td>
                      <td>
                        <SeverityBadge severity={r.severity} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </FetchState>
        {search.rule && <RuleDetail id={search.rule} />}
      </div>
    </>
  );
}
