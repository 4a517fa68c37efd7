import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call, client } from '../api/client.ts';
import { ApiProblem } from '../api/problem.ts';

export const SESSION_KEY = ['session'] as const;

/** Who is signed in and what they may do; null when nobody is (a 401). */
export async function loadSession() {
  try {
    const [me, perms] = await Promise.all([
      call(() => client.GET('/api/v1/auth/me')),
      call(() => client.GET('/api/v1/auth/me/permissions')),
    ]);
    return { me, permissions: new Set(perms.permissions.map((p) => p.name)) };
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) return null;
    throw e;
  }
}

export type Session = NonNullable<Awaited<ReturnType<typeof loadSession>>>;

/** Reads the session again (after signing in), replacing a cached "nobody" before any page looks at it. */
export function reloadSession(qc: QueryClient): Promise<unknown> {
  return qc.fetchQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 0 });
}

export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000 });
}

/** The signed-in session; only used below the shell, which renders nothing until it has one. */
export function useSession(): Session & { can: (permission: string) => boolean } {
  const { data } = useSessionQuery();
  if (!data) throw new Error('useSession outside a signed-in shell');
  return { ...data, can: (p) => data.permissions.has(p) };
}

export function useSignOut(): () => Promise<void> {
  const qc = useQueryClient();
  return async () => {
    await client.POST('/api/v1/auth/logout').catch(() => undefined);
    qc.clear();
    window.location.assign('/signin');
  };
}
