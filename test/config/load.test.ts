import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config/error.ts';
import { loadConfig } from '../../core/config/load.ts';
import { redactConfig, redactDsn } from '../../core/config/redact.ts';
import { tempDir } from '../helpers/tmp.ts';

function tomlFile(text: string): string {
  const dir = tempDir('ow-config');
  const file = join(dir, 'openwatch.toml');
  writeFileSync(file, text);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults when nothing is configured', () => {
    const { config, file } = loadConfig({ config: tomlFile('') }, {});
    expect(file).toMatch(/openwatch\.toml$/);
    // No database.dsn is development mode, which listens on loopback unless told otherwise.
    expect(config.server.listen).toBe('127.0.0.1:8443');
    expect(config.database.max_connections).toBe(25);
    expect(config.database.dsn).toBeUndefined();
    expect(config.logging).toEqual({ level: 'info', format: 'json' });
  });

  it('gives flags precedence over env, env over the file, the file over defaults', () => {
    const file = tomlFile(
      '[server]\nlisten = "10.0.0.1:1000"\n[logging]\nlevel = "warn"\nformat = "text"\n[database]\nmax_connections = 7\n',
    );
    const env = { OPENWATCH_SERVER_LISTEN: '10.0.0.2:2000', OPENWATCH_LOGGING_LEVEL: 'error' };
    const { config, sources } = loadConfig({ config: file, listen: '10.0.0.3:3000' }, env);
    expect(config.server.listen).toBe('10.0.0.3:3000');
    expect(sources.get('server.listen')).toBe('flag --listen');
    expect(config.logging.level).toBe('error');
    expect(sources.get('logging.level')).toBe('env OPENWATCH_LOGGING_LEVEL');
    expect(config.logging.format).toBe('text');
    expect(config.database.max_connections).toBe(7);
  });

  it('coerces numeric env values and rejects out-of-range ones naming the key and source', () => {
    expect(loadConfig({}, { OPENWATCH_DATABASE_MAX_CONNECTIONS: '40' }).config.database.max_connections).toBe(
      40,
    );
    expect(problems(() => loadConfig({}, { OPENWATCH_DATABASE_MAX_CONNECTIONS: '0' }))).toEqual([
      'database.max_connections: Too small: expected number to be >=1 (from env OPENWATCH_DATABASE_MAX_CONNECTIONS)',
    ]);
  });

  it('names the key and the file of a bad logging level', () => {
    const file = tomlFile('[logging]\nlevel = "loud"\n');
    expect(problems(() => loadConfig({ config: file }, {}))).toEqual([
      `logging.level: Invalid option: expected one of "debug"|"info"|"warn"|"error" (from file ${file})`,
    ]);
  });

  it('reports every problem at once: unknown sections and keys, bad addresses', () => {
    const file = tomlFile('[sever]\nlisten = "x"\n[server]\nlisten = "nope"\ntls_crt = "a"\n');
    expect(problems(() => loadConfig({ config: file }, { OPENWATCH_LOGGING_FORMAT: 'xml' })).sort()).toEqual(
      [
        `sever: unknown section (from file ${file})`,
        `server.listen: expected host:port, e.g. 0.0.0.0:8443 (from file ${file})`,
        `server.tls_crt: unknown key (from file ${file})`,
        'logging.format: Invalid option: expected one of "json"|"text" (from env OPENWATCH_LOGGING_FORMAT)',
      ].sort(),
    );
  });

  it('reports TOML syntax errors with the line', () => {
    const file = tomlFile('[server]\nlisten = \n');
    const [p] = problems(() => loadConfig({ config: file }, {}));
    expect(p).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: cannot read config file`),
    );
  });

  it('fails when an explicit config file is missing', () => {
    expect(problems(() => loadConfig({ config: '/nonexistent/ow.toml' }, {}))).toEqual([
      'config file /nonexistent/ow.toml does not exist',
    ]);
  });

  it('ignores OPENWATCH_ variables that are not config sections', () => {
    expect(() => loadConfig({}, { OPENWATCH_COMMIT: 'abc', OPENWATCH_TEST_DATABASE_URL: 'x' })).not.toThrow();
  });

  it('rejects a plain-HTTP listener off loopback', () => {
    expect(problems(() => loadConfig({}, { OPENWATCH_SERVER_HTTP_LISTEN: '0.0.0.0:8080' }))).toEqual([
      'server.http_listen: plain HTTP may only listen on loopback (from env OPENWATCH_SERVER_HTTP_LISTEN)',
    ]);
  });
});

describe('redaction', () => {
  it('hides DSN passwords and secret query parameters', () => {
    expect(redactDsn('postgres://u:TOPSECRET@db:5432/x?sslpassword=abc&sslmode=require')).toBe(
      'postgres://u:REDACTED@db:5432/x?sslpassword=REDACTED&sslmode=require',
    );
    const { config } = loadConfig({}, { OPENWATCH_DATABASE_DSN: 'postgres://u:TOPSECRET@h/x' });
    expect(JSON.stringify(redactConfig(config))).not.toContain('TOPSECRET');
    expect(config.database.dsn).toContain('TOPSECRET');
  });
});
