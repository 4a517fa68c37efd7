import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnectOptions } from '../../engine/transport/ssh.ts';
import { TransportError } from '../../engine/transport/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

let lab: SshLab;
let host: SshdHost;

beforeAll(async () => {
  lab = await SshLab.create();
  host = await lab.startHost();
});
afterAll(async () => {
  await lab?.cleanup();
});

function opts(extra: Partial<SshConnectOptions>): SshConnectOptions {
  return {
    host: host.address,
    port: host.port,
    username: lab.users.sudoNopasswd.name,
    hostKey: { fingerprint: host.hostKeyFingerprint },
    ...extra,
  };
}

async function whoami(o: SshConnectOptions): Promise<string> {
  const t = await connectSsh(o);
  try {
    const r = await t.exec('id -un');
    expect(r.code).toBe(0);
    return r.stdout.toString().trim();
  } finally {
    await t.close();
  }
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('ssh authentication against a real sshd', () => {
  it('runs a command with a private key', async () => {
    expect(await whoami(opts({ privateKey: lab.keys.clientKey }))).toBe(lab.users.sudoNopasswd.name);
  });

  it('decrypts an encrypted key with its passphrase', async () => {
    expect(
      await whoami(opts({ privateKey: lab.keys.encryptedClientKey, passphrase: lab.keys.passphrase })),
    ).toBe(lab.users.sudoNopasswd.name);
  });

  it('authenticates with a password', async () => {
    const user = lab.users.noSudo;
    expect(await whoami(opts({ username: user.name, password: user.password }))).toBe(user.name);
  });

  it('logs in as root with a key', async () => {
    expect(await whoami(opts({ username: 'root', privateKey: lab.keys.clientKey }))).toBe('root');
  });

  it('reports auth_failed for a key the server does not know', async () => {
    const err = await failure(connectSsh(opts({ privateKey: lab.keys.strangerKey })));
    expect(err.code).toBe('auth_failed');
    expect(err.message).toContain(lab.users.sudoNopasswd.name);
  });

  it('reports auth_failed for a wrong password without echoing it', async () => {
    const err = await failure(
      connectSsh(opts({ username: lab.users.noSudo.name, password: 'not-the-password' })),
    );
    expect(err.code).toBe('auth_failed');
    expect(err.message).not.toContain('not-the-password');
  });

  it('reports auth_failed for an encrypted key with a wrong or missing passphrase', async () => {
    const wrong = await failure(
      connectSsh(opts({ privateKey: lab.keys.encryptedClientKey, passphrase: 'nope' })),
    );
    expect(wrong.code).toBe('auth_failed');
    expect(wrong.message).toMatch(/passphrase is wrong/);
    const missing = await failure(connectSsh(opts({ privateKey: lab.keys.encryptedClientKey })));
    expect(missing.message).toMatch(/no passphrase/);
  });

  it('reports unreachable for a closed port', async () => {
    const err = await failure(connectSsh(opts({ port: 1, privateKey: lab.keys.clientKey })));
    expect(err.code).toBe('unreachable');
    expect(err.details.errno).toBe('ECONNREFUSED');
  });

  it('times out connecting to a host that never answers the handshake', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined); // accepts TCP, never speaks SSH
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const addr = silent.address();
    const port = addr && typeof addr === 'object' ? addr.port : 0;
    try {
      const started = Date.now();
      const err = await failure(
        connectSsh(opts({ port, privateKey: lab.keys.clientKey, connectTimeoutMs: 300 })),
      );
      expect(err.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('aborts a connection attempt', async () => {
    const ac = new AbortController();
    ac.abort(new Error('operator cancelled'));
    const err = await failure(connectSsh(opts({ privateKey: lab.keys.clientKey, signal: ac.signal })));
    expect(err.code).toBe('aborted');
  });
});
