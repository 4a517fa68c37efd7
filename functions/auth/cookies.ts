/**
 * Browser sessions: the access token and the refresh token in HttpOnly, Secure, SameSite=Strict cookies,
 * plus a double-submit CSRF token in a cookie the page can read and must echo in X-CSRF-Token.
 */
export const ACCESS_COOKIE = '__Host-ow_access';
export const CSRF_COOKIE = '__Host-ow_csrf';
/** Sent only to the auth endpoints that use it (a __Host- cookie would have to be Path=/). */
export const REFRESH_COOKIE = '__Secure-ow_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
export const CSRF_HEADER = 'x-csrf-token';

export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

interface CookieOptions {
  maxAgeSeconds: number;
  httpOnly: boolean;
  path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${o.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`,
    'Secure',
    'SameSite=Strict',
    ...(o.httpOnly ? ['HttpOnly'] : []),
  ].join('; ');
}

export interface SessionCookies {
  access: string;
  accessMaxAge: number;
  refresh: string;
  refreshMaxAge: number;
  csrf: string;
}

export function sessionCookies(c: SessionCookies): string[] {
  return [
    serializeCookie(ACCESS_COOKIE, c.access, { maxAgeSeconds: c.accessMaxAge, httpOnly: true }),
    serializeCookie(REFRESH_COOKIE, c.refresh, {
      maxAgeSeconds: c.refreshMaxAge,
      httpOnly: true,
      path: REFRESH_COOKIE_PATH,
    }),
    serializeCookie(CSRF_COOKIE, c.csrf, { maxAgeSeconds: c.refreshMaxAge, httpOnly: false }),
  ];
}

export function clearedCookies(): string[] {
  return [
    serializeCookie(ACCESS_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true }),
    serializeCookie(REFRESH_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, path: REFRESH_COOKIE_PATH }),
    serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false }),
  ];
}

export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}
