import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { createApp } from '../../functions/app.ts';
import { startServer, type RunningServer } from '../../functions/node/server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';
import { testIdentityRuntime } from '../helpers/identity.ts';

function peerFingerprint(port: number, options: tls.ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

describe('Node HTTPS listener', () => {
  let t: TestDatabase;
  let server: RunningServer;
  let port: number;
  const dir = tempDir('ow-tls');
  const certs = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };

  beforeAll(async () => {
    t = await createTestDatabase();
    const first = await ensureDevSecrets(join(dir, 'a'));
    copyFileSync(first.tlsCert, certs.cert);
    copyFileSync(first.tlsKey, certs.key);
    const log = createLogger({ level: 'error', format: 'json', write: () => undefined });
    const app = createApp({
      services: {
        runtime: 'node',
        runtimeVersion: process.version,
        buildInfo: { version: 't', commit: 't', build_time: 't' },
        log,
        identity: testIdentityRuntime(),
      },
      openDb: () => ({ db: t.db, release: async () => undefined }),
    });
    port = await freePort();
    server = await startServer({ app, log, listen: `127.0.0.1:${port}`, tls: certs, maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
    await expect(peerFingerprint(port, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
    await expect(peerFingerprint(port, { maxVersion: 'TLSv1.2' })).resolves.toMatch(/^[0-9A-F:]+$/);
  });

  const CBC_SHA1 = 'ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA';
  const AEAD = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305';

  it('offers only forward-secret AEAD suites under TLS 1.2', async () => {
    await expect(peerFingerprint(port, { maxVersion: 'TLSv1.2', ciphers: CBC_SHA1 })).rejects.toThrow();
    await expect(peerFingerprint(port, { maxVersion: 'TLSv1.2', ciphers: AEAD })).resolves.toMatch(
      /^[0-9A-F:]+$/,
    );
  });

  it('serves a replaced certificate to new connections without a restart', async () => {
    const before = await peerFingerprint(port);
    const second = await ensureDevSecrets(join(dir, 'b'));
    copyFileSync(second.tlsKey, certs.key);
    copyFileSync(second.tlsCert, certs.cert);
    const after = await waitFor(
      async () => {
        const fp = await peerFingerprint(port);
        return fp !== before ? fp : undefined;
      },
      10_000,
      'the new certificate',
    );
    expect(after).not.toBe(before);
    // The reloaded context keeps the same suites.
    await expect(peerFingerprint(port, { maxVersion: 'TLSv1.2', ciphers: CBC_SHA1 })).rejects.toThrow();
  });
});
