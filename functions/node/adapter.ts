import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Logger } from '../../core/log.ts';
import type { App } from '../app.ts';
import { ApiError, errorResponse } from '../http/errors.ts';
import { securityHeaders, withHeaders } from '../http/headers.ts';

export interface AdapterOptions {
  app: App;
  maxBodyBytes: number;
  log: Logger;
  /** Serves non-API paths (the UI); undefined falls through to the API's 404. */
  staticFiles?: (request: Request) => Response | undefined;
  /** Answers GET /metrics (Node only: prom-client), with its own access rule. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

const API_PREFIXES = ['/api/', '/health/'];

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ApiError(413, 'payload_too_large', `request body exceeds ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Builds a Fetch Request from Node's request, so the same handlers serve both runtimes. */
export async function toRequest(
  req: IncomingMessage,
  scheme: 'http' | 'https',
  max: number,
): Promise<Request> {
  const host = req.headers.host ?? 'localhost';
  const url = new URL(req.url ?? '/', `${scheme}://${host}`);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) headers.append(k, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? await readBody(req, max) : undefined;
  return new Request(url, { method, headers, ...(body && body.length > 0 ? { body } : {}) });
}

/** Headers#getSetCookie (Node 20+), typed loosely because the workerd types in the editor lack it. */
function setCookies(headers: Headers): string[] {
  const h = headers as unknown as { getSetCookie?: () => string[] };
  return h.getSetCookie?.() ?? [];
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  // Several Set-Cookie headers must stay several: setHeader per entry would keep only the last.
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') res.setHeader(key, value);
  });
  const cookies = setCookies(response.headers);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
}

/**
 * The peer address of the TCP connection: the only client address Node can vouch for. Headers such as
 * X-Forwarded-For are the client's to forge and are not read.
 */
export function clientAddress(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice('::ffff:'.length) : addr;
}

/** The Node request listener: static UI files, else the API app. */
export function nodeListener(options: AdapterOptions, scheme: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const metrics = options.metrics;
    if (metrics && req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      void metrics(req, res);
      return;
    }
    void (async () => {
      let response: Response;
      try {
        const request = await toRequest(req, scheme, options.maxBodyBytes);
        const path = new URL(request.url).pathname;
        const isApi = API_PREFIXES.some((p) => path.startsWith(p));
        response =
          (!isApi && options.staticFiles?.(request)) ||
          (await options.app.fetch(request, undefined, { clientIp: clientAddress(req) }));
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : new ApiError(400, 'bad_request', 'malformed request');
        response = withHeaders(errorResponse(apiErr, crypto.randomUUID()), securityHeaders('api'));
      }
      await send(res, response);
    })().catch((err: unknown) => {
      options.log.error('response failed', { err });
      res.destroy();
    });
  };
}
