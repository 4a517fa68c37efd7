import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { DeliveryRefused, resolveDestination, type DeliveryPolicy } from './address-guard.ts';

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4096;

/** A delivery the receiver refused for good (4xx other than 408/429): retrying sends the same thing. */
export class DeliveryRejected extends Error {
  override name = 'DeliveryRejected';
}

/**
 * POSTs a JSON body over HTTPS to the address checked by the policy (TLS still verifies the URL's
 * host name). Redirects are not followed: a redirect could lead anywhere. Resolves with the status.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<number> {
  const u = new URL(url);
  if (u.protocol !== 'https:') throw new DeliveryRefused('only https:// destinations are allowed');
  const bare = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const dest = await resolveDestination(bare, policy);
  const agent = new Agent({
    connect: {
      ...(policy.ca.length > 0 ? { ca: policy.ca } : {}),
      // SNI carries names only (RFC 6066 §3).
      ...(isIP(bare) ? {} : { servername: bare }),
      // Connect to the address that passed the check, whatever DNS says a moment later.
      lookup: (_host, opts, cb) => {
        if ((opts as { all?: boolean }).all) cb(null, [{ address: dest.address, family: dest.family }]);
        else cb(null, dest.address, dest.family);
      },
    },
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  try {
    const res = await request(u, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'user-agent': 'OpenWatch-Notifier/1', ...headers },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
    const text = (await res.body.text()).slice(0, MAX_RESPONSE_BYTES);
    if (res.statusCode >= 200 && res.statusCode < 300) return res.statusCode;
    const message = `HTTP ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`;
    if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429)
      throw new DeliveryRejected(message);
    throw new Error(message);
  } finally {
    await agent.close().catch(() => undefined);
  }
}
