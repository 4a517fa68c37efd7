import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/log.ts';
import { nodeListener, type AdapterOptions } from './adapter.ts';
import { readTls, TLS_SETTINGS, watchTls, type TlsFiles } from './tls.ts';

export interface ServeOptions extends AdapterOptions {
  /** `host:port` of the HTTPS listener. */
  listen: string;
  tls: TlsFiles;
  /** Optional plain-HTTP loopback listener (development). */
  httpListen?: string;
  log: Logger;
}

export interface RunningServer {
  /** `https://host:port` (and `http://…` for the loopback listener), with the ports actually bound. */
  urls: string[];
  close(): Promise<void>;
}

export function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

function listenOn(server: http.Server | https.Server, listen: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(listen);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(scheme: string, addr: AddressInfo): string {
  const wildcard = addr.address === '0.0.0.0' || addr.address === '::';
  const host = wildcard ? 'localhost' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `${scheme}://${host}:${addr.port}`;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests still running after the grace period are cut; a stuck client must not block shutdown.
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  });
}

/** The Node runtime: the same app over HTTPS (TLS 1.2+, certificates reloaded on change). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const servers: http.Server[] = [];
  const stops: Array<() => void> = [];
  const tlsServer = https.createServer(
    { ...readTls(options.tls), ...TLS_SETTINGS },
    nodeListener(options, 'https'),
  );
  servers.push(tlsServer);
  const urls = [urlOf('https', await listenOn(tlsServer, options.listen))];
  stops.push(watchTls(tlsServer, options.tls, options.log));
  if (options.httpListen) {
    const plain = http.createServer(nodeListener(options, 'http'));
    servers.push(plain);
    urls.push(urlOf('http', await listenOn(plain, options.httpListen)));
  }
  return {
    urls,
    async close() {
      for (const stop of stops) stop();
      await Promise.all(servers.map(closeServer));
    },
  };
}
