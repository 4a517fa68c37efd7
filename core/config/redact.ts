import { SECRET_KEYS, type Config } from './schema.ts';

/** Replaces the password of a connection URL, keeping the rest readable. */
export function redactDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    if (url.password) url.password = 'REDACTED';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, 'REDACTED');
    }
    return url.toString();
  } catch {
    return 'REDACTED';
  }
}

/** The config as it may be shown: DSN passwords hidden. Key-file paths are shown; their contents never are. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const path of SECRET_KEYS) {
    const [section, key] = path.split('.') as [keyof Config, string];
    const body = copy[section] as Record<string, unknown>;
    const value = body[key];
    if (typeof value === 'string') body[key] = path === 'database.dsn' ? redactDsn(value) : 'REDACTED';
  }
  return copy;
}
