import type { QueryClient } from '@tanstack/react-query';
import { call, client, csrfToken } from '../../api/client.ts';

// One definition per dashboard query, shared by the route's loader (which starts them while the page's
// code is still downloading) and the components that read them.
export const postureQuery = {
  queryKey: ['/api/v1/posture'],
  queryFn: () => call(() => client.GET('/api/v1/posture')),
};

export const summaryQuery = {
  queryKey: ['/api/v1/fleet/summary'],
  queryFn: () => call(() => client.GET('/api/v1/fleet/summary')),
};

export const trendQuery = {
  queryKey: ['/api/v1/posture/trend', 30],
  queryFn: () => call(() => client.GET('/api/v1/posture/trend', { params: { query: { days: 30 } } })),
};

export const topFailingQuery = {
  queryKey: ['/api/v1/posture/top-failing'],
  queryFn: () => call(() => client.GET('/api/v1/posture/top-failing', { params: { query: { limit: 8 } } })),
};

export const changesQuery = {
  queryKey: ['/api/v1/changes', 'recent'],
  queryFn: () => call(() => client.GET('/api/v1/changes', { params: { query: { limit: 200 } } })),
};

/** Starts every dashboard request; a browser without a session cookie has nothing to ask for yet. */
export function prefetchDashboard(qc: QueryClient): void {
  if (!csrfToken()) return;
  void qc.prefetchQuery(postureQuery);
  void qc.prefetchQuery(summaryQuery);
  void qc.prefetchQuery(trendQuery);
  void qc.prefetchQuery(topFailingQuery);
  void qc.prefetchQuery(changesQuery);
}
