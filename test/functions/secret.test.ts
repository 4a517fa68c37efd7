import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../core/crypto/envelope.ts';
import { decryptCredential, sealCredentialField } from '../../core/fleet/credentials.ts';
import { createLogger } from '../../core/log.ts';
import { Secret } from '../../core/secret.ts';

const PASSWORD = 'hunter2-Very-Secret-Password';
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const PASSPHRASE = 'passphrase-of-the-key-42';
const SUDO = 'sudo-password-of-the-account';

/** Every way a value commonly becomes text: logs (both formats), JSON, templates, inspect/console. */
function renderings(value: unknown): string[] {
  const lines: string[] = [];
  for (const format of ['json', 'text'] as const) {
    const log = createLogger({ level: 'debug', format, write: (l) => lines.push(l) });
    // A field name the name-based rule does not consider secret: the type alone must hide it.
    log.info('connecting', { value, nested: { list: [value] } });
    log.child({ context: value }).error('failed');
  }
  return [
    ...lines,
    JSON.stringify(value),
    JSON.stringify({ a: [value] }),
    inspect(value, { depth: 10 }),
    inspect({ deep: { deeper: value } }, { depth: 10, showHidden: true }),
    String(value),
    `${value as string}`,
    `${[value].join(',')}`,
  ];
}

describe('typed secrets', () => {
  it('a Secret renders as [redacted] everywhere and reveals its value only on request', () => {
    const s = new Secret(PASSWORD);
    for (const text of renderings(s)) {
      expect(text).not.toContain(PASSWORD);
      expect(text).toContain('[redacted]');
    }
    expect(Object.keys(s)).toEqual([]);
    expect(s.reveal()).toBe(PASSWORD);
  });

  it('a decrypted credential (real envelopes) carries its secrets as Secrets: logging or serialising it shows none', async () => {
    const ring = await createKeyring([crypto.getRandomValues(new Uint8Array(32))]);
    const id = crypto.randomUUID();
    const base = {
      id,
      name: 'deploy',
      is_default: false,
      username: 'scanner',
      key_fingerprint: null,
      key_version: ring.current,
      created_by: null,
      created_at: new Date(),
      updated_at: new Date(),
    };
    const keyCred = await decryptCredential(ring, {
      ...base,
      auth_method: 'key',
      secret_enc: await sealCredentialField(ring, id, 'secret', KEY),
      passphrase_enc: await sealCredentialField(ring, id, 'passphrase', PASSPHRASE),
      sudo_password_enc: await sealCredentialField(ring, id, 'sudo_password', SUDO),
    });
    const passwordCred = await decryptCredential(ring, {
      ...base,
      auth_method: 'password',
      secret_enc: await sealCredentialField(ring, id, 'secret', PASSWORD),
      passphrase_enc: null,
      sudo_password_enc: null,
    });
    const texts = [...renderings(keyCred), ...renderings(passwordCred)];
    for (const text of texts)
      for (const secret of [KEY, 'b3BlbnNzaC1rZXktdjEAAAAA', PASSPHRASE, SUDO, PASSWORD])
        expect(text).not.toContain(secret);
    // The rest of the credential is still there to read (logs, JSON, inspect).
    expect(
      texts.filter((t) => t.includes('scanner') && t.includes('[redacted]')).length,
    ).toBeGreaterThanOrEqual(16);
    expect(keyCred.privateKey?.reveal()).toBe(KEY);
    expect(keyCred.passphrase?.reveal()).toBe(PASSPHRASE);
    expect(keyCred.sudoPassword?.reveal()).toBe(SUDO);
    expect(passwordCred.password?.reveal()).toBe(PASSWORD);
  });
});
