import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes a secret file readable by its owner only (0600), creating its directory 0700. */
export function writeSecretFile(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/** Creates the file with `make()`'s content only when it is missing; returns whether it did. */
export async function ensureSecretFile(path: string, make: () => string | Promise<string>): Promise<boolean> {
  if (existsSync(path)) return false;
  writeSecretFile(path, await make());
  return true;
}
