import net from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Accepts the self-signed development certificate; only ever used against servers the test started. */
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

export function fetcher(base: string): Fetch {
  return async (path, init) =>
    (await undiciFetch(new URL(path, base), {
      ...(init as object),
      dispatcher: insecure,
    })) as unknown as Response;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}
