import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createKeyring, type Keyring } from '../crypto/envelope.ts';
import { loadCredentialKey, newCredentialKey } from './keys.ts';

/**
 * The credential keyring on disk: the configured `identity.credential_key_file` is generation 1, and
 * `openwatch rotate-dek` writes generation N beside it as `<file>.v<N>` (0600). Every generation is
 * loaded, so envelopes under any of them open; the highest seals. The base file stays: it also derives
 * the job-signing key (core/crypto/job-signing.ts), which rotation does not change.
 */
export interface KeyFile {
  generation: number;
  path: string;
}

export function credentialKeyFiles(base: string): KeyFile[] {
  const name = basename(base);
  const out: KeyFile[] = [{ generation: 1, path: base }];
  for (const entry of readdirSync(dirname(base))) {
    if (!entry.startsWith(`${name}.v`)) continue;
    const m = /^\.v([1-9]\d{0,5})$/.exec(entry.slice(name.length));
    const generation = Number(m?.[1]);
    if (m && generation > 1) out.push({ generation, path: join(dirname(base), entry) });
  }
  return out.sort((a, b) => b.generation - a.generation);
}

/** Changes when a key file is added, removed or rewritten: the runtime reloads the keyring then. */
export function credentialKeysSignature(base: string): string {
  // A missing file signs as such; loading then reports it with loadCredentialKey's message.
  const mtime = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 'missing');
  const dirExists = existsSync(dirname(base));
  const files = dirExists ? credentialKeyFiles(base) : [{ generation: 1, path: base }];
  return files.map((f) => `${f.path}@${mtime(f.path)}`).join('|');
}

/** Every generation, newest first (it seals); each file checked as the base one is (0600, 32 bytes). */
export async function loadCredentialKeyring(base: string): Promise<Keyring> {
  if (!existsSync(dirname(base))) return createKeyring([new Uint8Array(loadCredentialKey(base))]);
  return createKeyring(credentialKeyFiles(base).map((f) => new Uint8Array(loadCredentialKey(f.path))));
}

/** Writes generation max+1 (0600, never over an existing file) and returns it. */
export function writeNextCredentialKey(base: string): KeyFile {
  const generation = (credentialKeyFiles(base)[0]?.generation ?? 1) + 1;
  const path = `${base}.v${generation}`;
  writeFileSync(path, newCredentialKey(), { mode: 0o600, flag: 'wx' });
  return { generation, path };
}
