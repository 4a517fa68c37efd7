import type { paths } from '../../api/client.ts';
import { Card } from '../../components/Page.tsx';
import { formatTime } from '../../components/format.ts';

type Host = paths['/api/v1/hosts/{id}']['get']['responses'][200]['content']['application/json'];

function uptime(s: number | null): string {
  if (s === null) return '—';
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return d > 0 ? `${d} d ${h} h` : `${h} h`;
}

/** What discovery found on the host, and how OpenWatch reaches it. */
export function HostFacts({ host }: { host: Host }) {
  const os = host.os;
  return (
    <Card title="Facts">
      <dl className="facts">
        <dt>Operating system</dt>
        <dd>{[os.name ?? os.family, os.version].filter(Boolean).join(' ') || 'Not discovered yet'}</dd>
        <dt>Kernel</dt>
        <dd className="mono">{os.kernel ?? '—'}</dd>
        <dt>Uptime</dt>
        <dd>{uptime(os.uptime_seconds)}</dd>
        <dt>Packages</dt>
        <dd>{os.package_count ?? '—'}</dd>
        <dt>Discovered</dt>
        <dd>{formatTime(os.discovered_at)}</dd>
        <dt>Host key policy</dt>
        <dd>{host.host_key_policy === 'tofu' ? 'Trust on first use' : 'Pinned only'}</dd>
        <dt>Tags</dt>
        <dd>
          {host.tags.length === 0
            ? '—'
            : host.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
        </dd>
      </dl>
    </Card>
  );
}
