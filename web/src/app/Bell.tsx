import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useRouter } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { call, client } from '../api/client.ts';
import { SeverityBadge } from '../components/Badges.tsx';
import { Problem } from '../components/Problem.tsx';
import { ago, formatTime } from '../components/format.ts';

const RECENT = 8;

/** The unread count of active alerts, kept current by the events stream (alert.* events). */
function useUnread() {
  return useQuery({
    queryKey: ['/api/v1/alerts/unread-count'],
    queryFn: () => call(() => client.GET('/api/v1/alerts/unread-count')),
  });
}

/**
 * The notification bell: unread active alerts, a dropdown of the most recent ones (each links to its
 * host or rule), mark read, and the way to the alerts page.
 */
export function Bell() {
  const [open, setOpen] = useState(false);
  const unread = useUnread();
  const count = unread.data?.total ?? 0;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onClick = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  return (
    <div className="bell" ref={box}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls="bell-panel"
        aria-label={`Notifications: ${count} unread`}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        {count > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && <BellPanel onClose={() => setOpen(false)} />}
    </div>
  );
}

function BellPanel({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const router = useRouter();
  const recent = useQuery({
    queryKey: ['/api/v1/alerts', { limit: RECENT }],
    queryFn: () => call(() => client.GET('/api/v1/alerts', { params: { query: { limit: RECENT } } })),
  });
  const markRead = useMutation({
    mutationFn: (ids?: string[]) =>
      call(() => client.POST('/api/v1/alerts/read', { body: ids ? { ids } : {} })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['/api/v1/alerts/unread-count'] });
      void qc.invalidateQueries({ queryKey: ['/api/v1/alerts'] });
    },
  });
  const go = (link: string) => {
    onClose();
    void router.navigate({ href: link });
  };
  const items = recent.data?.items ?? [];
  return (
    <div className="bell-panel" id="bell-panel" role="region" aria-label="Recent alerts">
      <div className="bell-head">
        <strong>Alerts</strong>
        <button
          type="button"
          className="link-button"
          disabled={markRead.isPending || !items.some((a) => !a.read)}
          onClick={() => markRead.mutate(undefined)}
        >
          Mark all read
        </button>
      </div>
      {recent.isError && <Problem error={recent.error} />}
      {markRead.error && <Problem error={markRead.error} title="Not marked read" />}
      {recent.isPending && <p className="muted small">Loading…</p>}
      {recent.isSuccess && items.length === 0 && <p className="muted small">No alerts. All quiet.</p>}
      <ul className="bell-list">
        {items.map((a) => {
          const link = a.link ?? (a.host ? `/hosts/${a.host.id}` : '/alerts');
          return (
            <li key={a.id} className={a.read ? 'read' : 'unread'} data-testid="bell-item">
              <a
                href={link}
                onClick={(e) => {
                  e.preventDefault();
                  if (!a.read) markRead.mutate([a.id]);
                  go(link);
                }}
              >
                {a.severity && <SeverityBadge severity={a.severity} />} <span>{a.title}</span>
                <span className="muted small block" title={formatTime(a.last_seen_at)}>
                  {a.host?.hostname ?? 'fleet'} · {a.state} · {ago(a.last_seen_at)}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      <Link to="/alerts" className="bell-all" onClick={onClose}>
        All alerts
      </Link>
    </div>
  );
}
