import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProblem } from './api/problem.ts';
import { setSignedOutHandler } from './api/client.ts';
import { createAppRouter } from './app/router.tsx';
import { loadSession, SESSION_KEY } from './app/session.ts';
import './styles/app.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not change by asking again; network blips and 5xx get two more tries.
      retry: (count, error) => !(error instanceof ApiProblem && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const router = createAppRouter(queryClient);
// Every page needs to know who is signed in: ask before React has rendered anything.
void queryClient.prefetchQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000 });

// The server ends idle sessions (identity.session_idle_minutes); when a call finds the session gone and
// refreshing cannot revive it, the console says so on the sign-in page instead of failing page by page.
setSignedOutHandler(() => {
  queryClient.clear();
  if (window.location.pathname !== '/signin') {
    const redirect = window.location.pathname + window.location.search;
    void router.navigate({ to: '/signin', search: { redirect, reason: 'expired' } });
  }
});

const rootEl = document.getElementById('root');
if (rootEl) {
  createRoot(rootEl).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
