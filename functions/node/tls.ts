import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import type { Logger } from '../../core/log.ts';

export interface TlsFiles {
  cert: string;
  key: string;
}

export const TLS_MIN_VERSION = 'TLSv1.2';
/** How often the certificate files are checked for replacement. */
export const TLS_RELOAD_POLL_MS = 1_000;

export function readTls(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

/**
 * Re-reads the certificate and key when either file changes (renewal by certbot, cert-manager …) and
 * installs them for new connections; established ones keep theirs. A half-written pair is rejected and
 * the old one kept, so a renewal in progress never takes the listener down.
 */
export function watchTls(server: Server, files: TlsFiles, log: Logger): () => void {
  let last = stamp(files);
  const reload = () => {
    const now = stamp(files);
    if (now === last) return;
    try {
      server.setSecureContext({ ...readTls(files), minVersion: TLS_MIN_VERSION });
      last = now;
      log.info('tls certificate reloaded', { cert: files.cert });
    } catch (err) {
      log.error('tls certificate reload failed; keeping the previous one', { cert: files.cert, err });
    }
  };
  watchFile(files.cert, { interval: TLS_RELOAD_POLL_MS }, reload);
  watchFile(files.key, { interval: TLS_RELOAD_POLL_MS }, reload);
  return () => {
    unwatchFile(files.cert, reload);
    unwatchFile(files.key, reload);
  };
}

function stamp(files: TlsFiles): string {
  try {
    const c = statSync(files.cert);
    const k = statSync(files.key);
    return `${c.mtimeMs}:${c.size}:${k.mtimeMs}:${k.size}`;
  } catch {
    return 'missing';
  }
}

/** When the certificate in `file` expires, in seconds since the epoch (the expiry metric); undefined if unreadable. */
export function certificateExpirySeconds(file: string): number | undefined {
  try {
    return Date.parse(new X509Certificate(readFileSync(file)).validTo) / 1000;
  } catch {
    return undefined;
  }
}
