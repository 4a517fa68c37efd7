import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config/error.ts';
import { DEV_LISTEN, loadConfig } from '../../core/config/load.ts';
import { setupUrl } from '../../core/identity/setup-token.ts';
import { allowLocalTransport } from '../../cli/runner-options.ts';

const DSN = { OPENWATCH_DATABASE_DSN: 'postgres://ow@db.internal/ow' };
const load = (env: NodeJS.ProcessEnv) => loadConfig({ config: undefined }, env);

describe('safe defaults of a first run', () => {
  it('development mode listens on loopback unless told otherwise; production keeps its configured address', () => {
    const listen = (l: ReturnType<typeof load>) => l.config.server.listen;
    expect(listen(load({}))).toBe(DEV_LISTEN);
    expect(load({}).sources.get('server.listen')).toBe('development mode (no database.dsn)');
    expect(DEV_LISTEN).toBe('127.0.0.1:8443');
    expect(listen(load({ OPENWATCH_SERVER_LISTEN: '0.0.0.0:9443' }))).toBe('0.0.0.0:9443');
    expect(listen(loadConfig({ listen: '[::1]:8443' }, {}))).toBe('[::1]:8443');
    expect(listen(load(DSN))).toBe('0.0.0.0:8443');
  });

  it('links to localhost in development mode, else to the listen host or, for a wildcard, the machine', () => {
    const o = { dev: false, hostname: 'ow1.example.net' };
    expect(setupUrl('127.0.0.1:9000', 'tok', { ...o, dev: true })).toBe(
      'https://localhost:9000/setup#token=tok',
    );
    expect(setupUrl('0.0.0.0:8443', 'tok', o)).toBe('https://ow1.example.net:8443/setup#token=tok');
    expect(setupUrl('[::]:8443', 'tok', o)).toBe('https://ow1.example.net:8443/setup#token=tok');
    expect(setupUrl('10.0.0.5:8443', 'tok', o)).toBe('https://10.0.0.5:8443/setup#token=tok');
    expect(setupUrl('[2001:db8::1]:8443', 'tok', o)).toBe('https://[2001:db8::1]:8443/setup#token=tok');
  });

  it('runner.allow_local_transport: on in development mode, off in production, the config wins', () => {
    expect(allowLocalTransport(load({}).config, true)).toBe(true);
    expect(allowLocalTransport(load(DSN).config, false)).toBe(false);
    const on = load({ ...DSN, OPENWATCH_RUNNER_ALLOW_LOCAL_TRANSPORT: 'true' }).config;
    expect(allowLocalTransport(on, false)).toBe(true);
    const off = load({ OPENWATCH_RUNNER_ALLOW_LOCAL_TRANSPORT: 'false' }).config;
    expect(allowLocalTransport(off, true)).toBe(false);
    expect(() => load({ OPENWATCH_RUNNER_ALLOW_LOCAL_TRANSPORT: 'perhaps' })).toThrow(ConfigError);
    try {
      load({ OPENWATCH_RUNNER_ALLOW_LOCAL_TRANSPORT: 'perhaps' });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toContain('runner.allow_local_transport: ');
      expect((err as ConfigError).problems.join('\n')).toContain(
        'env OPENWATCH_RUNNER_ALLOW_LOCAL_TRANSPORT',
      );
    }
  });
});
