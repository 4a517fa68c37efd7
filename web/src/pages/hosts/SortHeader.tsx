import { Link } from '@tanstack/react-router';
import type { HostsSearch, Sort } from './search.ts';

/** Newest scan first is what an operator wants from "Last scan"; every other column starts ascending. */
const FIRST_ORDER: Partial<Record<Sort, 'desc'>> = { last_scan: 'desc' };

/**
 * A column header that sorts the list on the server: a link to the same filters with this sort (its
 * order flipped when it is already the sort), so the sort is in the URL like the filters.
 */
export function SortHeader({
  sort,
  label,
  search,
  num,
}: {
  sort: Sort;
  label: string;
  search: HostsSearch;
  num?: boolean;
}) {
  const current = (search.sort ?? 'name') === sort;
  const order = search.order ?? 'asc';
  const next = current ? (order === 'asc' ? 'desc' : 'asc') : (FIRST_ORDER[sort] ?? 'asc');
  return (
    <th
      scope="col"
      className={num ? 'num' : undefined}
      aria-sort={current ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <Link
        to="/hosts"
        search={{ ...search, sort, order: next }}
        replace
        className="sort"
        aria-label={`Sort by ${label.toLowerCase()}, ${next === 'asc' ? 'ascending' : 'descending'}`}
      >
        {label}
        <span aria-hidden="true" className="sort-arrow">
          {current ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  );
}
