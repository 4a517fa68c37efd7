import createClient, { type Middleware } from 'openapi-fetch';
import { ApiProblem } from './problem.ts';
import type { paths } from './schema.ts';

export type { paths };

const CSRF_COOKIE = '__Host-ow_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === CSRF_COOKIE && v) return decodeURIComponent(v);
  }
  return undefined;
}

/** Cookie sessions need the double-submit token on every unsafe method (docs/identity.md). */
const csrf: Middleware = {
  onRequest({ request }) {
    const token = csrfToken();
    if (!SAFE.has(request.method) && token) request.headers.set('x-csrf-token', token);
    return request;
  },
};

export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(csrf);

let refreshing: Promise<boolean> | undefined;
let onSignedOut: (() => void) | undefined;

/** Called once when the session is gone (idle timeout, revoked, expired) and refreshing cannot help. */
export function setSignedOutHandler(fn: () => void): void {
  onSignedOut = fn;
}

/** Exchanges the refresh cookie for new tokens; concurrent callers share one exchange (reuse is fatal). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= client
    .POST('/api/v1/auth/refresh', { body: {} })
    .then((r) => r.response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Runs one typed call; on 401 refreshes the session once and retries, else throws an ApiProblem.
 * `call(() => client.GET('/api/v1/hosts', {...}))` keeps openapi-fetch's inferred types.
 */
export async function call<T>(fn: () => Promise<FetchResult<T>>): Promise<T> {
  let r = await fn();
  if (r.response.status === 401 && !r.response.url.includes('/api/v1/auth/login')) {
    const hadSession = csrfToken() !== undefined;
    if (hadSession && (await refreshSession())) r = await fn();
    // Only a session that existed can have ended; a visitor who never signed in just sees sign-in.
    if (r.response.status === 401 && hadSession) onSignedOut?.();
  }
  if (!r.response.ok) throw await ApiProblem.from(r.response, r.error);
  return r.data as T;
}
