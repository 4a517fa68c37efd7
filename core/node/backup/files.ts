import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { credentialKeyFiles } from '../credential-keys.ts';
import type { SecretFile } from './secrets.ts';

/** A private (0700) scratch directory. */
export function tempDirFor(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * The files an installation cannot be rebuilt without: every credential key generation, the JWT key,
 * the TLS pair, the metrics token, the config file and `secrets.env` beside it. All of them go into the
 * encrypted part of the archive (the config may hold a DSN password; the TLS certificate rides along so
 * a restore is complete).
 */
export function installationFiles(config: Config, configFile: string | undefined): SecretFile[] {
  const wanted: Array<[string, string | undefined]> = [
    ['config', configFile],
    ['secrets_env', configFile ? join(dirname(configFile), 'secrets.env') : undefined],
    ['jwt_private_key', config.identity.jwt_private_key],
    ['tls_cert', config.server.tls_cert],
    ['tls_key', config.server.tls_key],
    ['metrics_token', config.metrics.token_file],
  ];
  const base = config.identity.credential_key_file;
  if (base && existsSync(dirname(base)))
    for (const f of credentialKeyFiles(base)) wanted.push([`credential_key`, f.path]);
  const out: SecretFile[] = [];
  for (const [role, path] of wanted) {
    if (!path || !existsSync(path)) continue;
    const abs = resolve(path);
    out.push({
      role,
      path: abs,
      mode: statSync(abs).mode & 0o777,
      content: readFileSync(abs).toString('base64'),
    });
  }
  return out;
}

/**
 * Writes restored files back at their paths (under `root` when given, for a restore onto another
 * layout). An existing file is left alone unless `overwrite`; returns what was written and skipped.
 */
export function writeInstallationFiles(
  files: SecretFile[],
  root: string | undefined,
  overwrite: boolean,
): { written: string[]; skipped: string[] } {
  const written: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const target = root ? join(root, f.path) : f.path;
    if (existsSync(target) && !overwrite) {
      skipped.push(target);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true, mode: 0o750 });
    writeFileSync(target, Buffer.from(f.content, 'base64'), { mode: f.mode });
    chmodSync(target, f.mode);
    written.push(target);
  }
  return { written, skipped };
}
