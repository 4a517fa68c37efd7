import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import type { Logger } from '../../core/log.ts';

export interface TlsFiles {
  cert: string;
  key: string;
}

/**
 * TLS 1.2 and 1.3 only; under 1.2 only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305),
 * no CBC or SHA-1 MAC. TLS 1.3's suites are all AEAD and listed so Node keeps offering them.
 */
export const TLS_SETTINGS = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ].join(':'),
  honorCipherOrder: true,
} as const;
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
      server.setSecureContext({ ...readTls(files), ...TLS_SETTINGS });
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
