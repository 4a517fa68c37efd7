import { existsSync, readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from './error.ts';
import { configSchema, SECTIONS, type Config } from './schema.ts';

export const DEFAULT_CONFIG_FILE = '/etc/openwatch/openwatch.toml';
/** server.listen in development mode unless set explicitly. */
export const DEV_LISTEN = '127.0.0.1:8443';

/** Where one value came from, for error messages: `env OPENWATCH_LOGGING_LEVEL`, `file /etc/…`, `flag --listen`. */
type Sources = Map<string, string>;
type Raw = Record<string, Record<string, unknown>>;

export interface ConfigFlags {
  config?: string;
  listen?: string;
  logLevel?: string;
  dsn?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The TOML file read, if any. */
  file: string | undefined;
  sources: ReadonlyMap<string, string>;
}

function setValue(
  raw: Raw,
  sources: Sources,
  section: string,
  key: string,
  value: unknown,
  source: string,
): void {
  raw[section] ??= {};
  raw[section][key] = value;
  sources.set(`${section}.${key}`, source);
}

function readFile(path: string, raw: Raw, sources: Sources, problems: string[]): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(path, 'utf8'));
  } catch (err) {
    const where = err instanceof TomlError ? `:${err.line}:${err.column}` : '';
    const msg = err instanceof TomlError ? err.message.split('\n')[0] : (err as Error).message;
    problems.push(`${path}${where}: cannot read config file: ${msg}`);
    return;
  }
  for (const [section, body] of Object.entries(doc)) {
    if (!SECTIONS.includes(section as keyof Config)) {
      problems.push(`${section}: unknown section (from file ${path})`);
      continue;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      problems.push(`${section}: expected a [${section}] table (from file ${path})`);
      continue;
    }
    for (const [key, value] of Object.entries(body))
      setValue(raw, sources, section, key, value, `file ${path}`);
  }
}

/** OPENWATCH_<SECTION>_<KEY>; variables whose section is not a config section (e.g. OPENWATCH_COMMIT) are not config. */
function readEnv(env: NodeJS.ProcessEnv, raw: Raw, sources: Sources): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OPENWATCH_') || value === undefined) continue;
    const rest = name.slice('OPENWATCH_'.length).toLowerCase();
    const section = SECTIONS.find((s) => rest.startsWith(`${s}_`));
    if (!section) continue;
    setValue(raw, sources, section, rest.slice(section.length + 1), value, `env ${name}`);
  }
}

function readFlags(flags: ConfigFlags, raw: Raw, sources: Sources): void {
  if (flags.listen !== undefined) setValue(raw, sources, 'server', 'listen', flags.listen, 'flag --listen');
  if (flags.logLevel !== undefined)
    setValue(raw, sources, 'logging', 'level', flags.logLevel, 'flag --log-level');
  if (flags.dsn !== undefined) setValue(raw, sources, 'database', 'dsn', flags.dsn, 'flag --dsn');
}

/**
 * Resolves the configuration: flags > env > TOML file > defaults. The file is `--config`, else
 * `OPENWATCH_CONFIG`, else /etc/openwatch/openwatch.toml when it exists. Throws ConfigError listing every
 * problem, each naming its key and the source of the bad value.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const raw: Raw = {};
  const sources: Sources = new Map();
  const problems: string[] = [];
  const explicit = flags.config ?? env.OPENWATCH_CONFIG;
  const file = explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (explicit !== undefined && !existsSync(explicit))
    problems.push(`config file ${explicit} does not exist`);
  else if (file !== undefined) readFile(file, raw, sources, problems);
  readEnv(env, raw, sources);
  readFlags(flags, raw, sources);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...issue.path, k].join('.'))
          : [issue.path.join('.')];
      for (const key of keys) {
        const source = sources.get(key);
        const shown = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
        problems.push(`${key}: ${shown}${source ? ` (from ${source})` : ''}`);
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  // Development mode (no database.dsn: embedded PostgreSQL, generated secrets) listens on loopback unless
  // an address is set explicitly: a laptop's first run is no one else's business.
  if (config.database.dsn === undefined && !sources.has('server.listen')) {
    config.server.listen = DEV_LISTEN;
    sources.set('server.listen', 'development mode (no database.dsn)');
  }
  return { config, file, sources };
}
