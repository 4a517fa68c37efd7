const COMMON: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** API responses are data, never documents: nothing may be loaded or framed from them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** The UI loads only its own scripts, styles and API. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function securityHeaders(kind: 'api' | 'ui'): Record<string, string> {
  return { ...COMMON, 'content-security-policy': kind === 'api' ? API_CSP : UI_CSP };
}

/** Responses from fetch() may have immutable headers; copy when needed. */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  let res = response;
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  } catch {
    res = new Response(response.body, response);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  }
  return res;
}
