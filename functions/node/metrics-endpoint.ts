import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { constantTimeEqualText } from '../../core/crypto/bytes.ts';
import type { Logger } from '../../core/log.ts';
import type { Metrics } from '../../core/node/metrics/registry.ts';
import { clientAddress } from './adapter.ts';
import { splitHostPort } from './server.ts';

export const METRICS_PATH = '/metrics';
const MIN_TOKEN_LENGTH = 16;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host.replace(/^\[|\]$/g, ''));

/** Reads the scrape token file; a short token is refused, since it is the only thing guarding the metrics. */
export function readMetricsToken(file: string): string {
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(`${file}: the metrics token must be at least ${MIN_TOKEN_LENGTH} characters`);
  return token;
}

/**
 * Answers a scrape. With a token, only `Authorization: Bearer <token>` is served; without one, only
 * loopback peers are (a Prometheus on the same machine), so metrics never leak by default.
 */
export function metricsHandler(metrics: Metrics, token: string | undefined, log: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const auth = req.headers.authorization ?? '';
    const allowed =
      token === undefined
        ? isLoopback(clientAddress(req))
        : auth.startsWith('Bearer ') && constantTimeEqualText(auth.slice('Bearer '.length), token);
    if (!allowed) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' });
      res.end(
        token === undefined
          ? 'metrics are served to loopback clients only; set metrics.token_file to scrape remotely\n'
          : 'a valid bearer token is required\n',
      );
      return;
    }
    try {
      const body = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(body);
    } catch (err) {
      log.error('rendering metrics failed', { err });
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metrics unavailable\n');
    }
  };
}

/**
 * The runner's own plain-HTTP listener for /metrics. A non-loopback address needs a token: refusing
 * here is what keeps "off by default, never open" true.
 */
export async function startMetricsServer(
  listen: string,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  hasToken: boolean,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { host, port } = splitHostPort(listen);
  if (!hasToken && !isLoopback(host))
    throw new Error(`metrics on ${listen} need metrics.token_file (or a loopback address)`);
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}${METRICS_PATH}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
