import { Link } from '@tanstack/react-router';
import type { paths } from '../api/client.ts';
import { StatusBadge } from './Badges.tsx';
import { ago, formatTime } from './format.ts';

type Change =
  paths['/api/v1/changes']['get']['responses'][200]['content']['application/json']['items'][number];

/** Verdict changes (pass → fail, fail → pass, first verdicts), newest first, each linking to its host. */
export function ChangeList({ items, showHost }: { items: Change[]; showHost?: boolean }) {
  return (
    <ol className="changes">
      {items.map((c) => (
        <li key={c.id} data-rule={c.rule.id}>
          <span className="transition">
            {c.previous_status ? (
              <StatusBadge status={c.previous_status} />
            ) : (
              <span className="muted">new</span>
            )}
            <span aria-label="became"> → </span>
            <StatusBadge status={c.status} />
          </span>
          <span className="what">
            <Link to="/hosts/$hostId" params={{ hostId: c.host.id }} search={{ rule: c.rule.id }}>
              {c.rule.title ?? c.rule.id}
            </Link>
            {showHost && <span className="muted small block">{c.host.hostname}</span>}
          </span>
          <time dateTime={c.time} title={formatTime(c.time)} className="muted small">
            {ago(c.time)}
          </time>
        </li>
      ))}
    </ol>
  );
}
