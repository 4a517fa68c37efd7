import { Link } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { paths } from '../../api/client.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { ago, band, formatTime, pct } from '../../components/format.ts';
import type { HostsSearch } from './search.ts';
import { SortHeader } from './SortHeader.tsx';

export type Host =
  paths['/api/v1/hosts']['get']['responses'][200]['content']['application/json']['items'][number];

const ROW = 44;

interface Props {
  rows: Host[];
  selectable: boolean;
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  search: HostsSearch;
}

/** A virtualised table: only the rows in view are in the DOM, so thousands of hosts scroll smoothly. */
export function HostTable({
  rows,
  selectable,
  selected,
  onSelect,
  hasMore,
  loadMore,
  loadingMore,
  search,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  const allOn = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const items = v.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = v.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div className="table-wrap">
      <div className="table-scroll" ref={scroller}>
        <table className="hosts-table" aria-rowcount={rows.length}>
          <thead>
            <tr>
              {selectable && (
                <th scope="col" className="check">
                  <input
                    type="checkbox"
                    aria-label="Select all loaded hosts"
                    checked={allOn}
                    onChange={() => onSelect(allOn ? new Set() : new Set(rows.map((r) => r.id)))}
                  />
                </th>
              )}
              <SortHeader sort="name" label="Host" search={search} />
              <SortHeader sort="address" label="Address" search={search} />
              <SortHeader sort="os" label="OS" search={search} />
              <th scope="col">Environment</th>
              <th scope="col">Tags</th>
              <SortHeader sort="score" label="Score" search={search} num />
              <SortHeader sort="last_scan" label="Last scan" search={search} />
              <SortHeader sort="liveness" label="Liveness" search={search} />
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && <Spacer height={padTop} />}
            {items.map((it) => {
              const h = rows[it.index];
              if (!h) return null;
              return (
                <tr key={h.id} data-index={it.index} className={selected.has(h.id) ? 'selected' : undefined}>
                  {selectable && (
                    <td className="check">
                      <input
                        type="checkbox"
                        aria-label={`Select ${h.hostname}`}
                        checked={selected.has(h.id)}
                        onChange={() => toggle(h.id)}
                      />
                    </td>
                  )}
                  <td>
                    <Link to="/hosts/$hostId" params={{ hostId: h.id }} className="strong">
                      {h.hostname}
                    </Link>
                    {h.in_maintenance && <span className="pill">maintenance</span>}
                  </td>
                  <td className="mono">
                    {h.address}
                    {h.port !== 22 ? `:${h.port}` : ''}
                  </td>
                  <td>{osLabel(h.os)}</td>
                  <td>{h.environment}</td>
                  <td>
                    {h.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                  </td>
                  <td className={`num score band-${band(h.score)}`}>{pct(h.score)}</td>
                  <td title={formatTime(h.last_scan_at)}>{ago(h.last_scan_at)}</td>
                  <td title={`checked ${formatTime(h.liveness_checked_at)}`}>
                    <StatusBadge status={h.liveness} />
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && <Spacer height={padBottom} />}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span className="muted small">
          {rows.length} host{rows.length === 1 ? '' : 's'} loaded{hasMore ? ' (more available)' : ''}
        </span>
        {hasMore && (
          <button type="button" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </div>
  );
}

function Spacer({ height }: { height: number }) {
  const set = (el: HTMLTableRowElement | null) => {
    if (el) el.style.height = `${height}px`;
  };
  return <tr aria-hidden="true" className="spacer" ref={set} />;
}

function osLabel(os: Host['os']): string {
  return [os.name ?? os.family, os.version].filter(Boolean).join(' ') || '—';
}
