import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Problem } from './Problem.tsx';

interface Props<T> {
  query: UseQueryResult<T>;
  /** True when the data holds nothing to show; then `empty` is rendered instead of children. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
  /** How tall the loading placeholder is, so the layout does not jump. */
  rows?: number;
}

/** Every fetch state in one place: loading, error (message + correlation id), forbidden, empty, data. */
export function FetchState<T>({ query, isEmpty, empty, children, rows = 3 }: Props<T>) {
  if (query.isPending) {
    return (
      <div className="skeleton" aria-busy="true" aria-label="Loading">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="skeleton-row" />
        ))}
      </div>
    );
  }
  if (query.isError) return <Problem error={query.error} />;
  if (isEmpty?.(query.data)) return <div className="empty">{empty}</div>;
  return <>{children(query.data)}</>;
}
