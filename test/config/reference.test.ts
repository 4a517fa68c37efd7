import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config/error.ts';
import { loadConfig } from '../../core/config/load.ts';
import { renderConfigReference, spliceReference } from '../../core/config/reference.ts';

const DOC = new URL('../../docs/configuration.md', import.meta.url);

describe('docs/configuration.md: the key reference generated from the schema', () => {
  it('matches what `npm run gen:config-docs` writes now', () => {
    const committed = readFileSync(DOC, 'utf8');
    const fresh = spliceReference(committed, renderConfigReference());
    expect(fresh === committed, 'docs/configuration.md is stale: run npm run gen:config-docs').toBe(true);
  });

  it('names, for every key, an environment variable that sets that key', () => {
    const rows = [...renderConfigReference().matchAll(/^\| `(\w+)` \|.*\| `(OPENWATCH_\w+)` \|/gm)];
    expect(rows.length).toBeGreaterThan(30);
    for (const [, key, env] of rows) {
      if (!key || !env) throw new Error('row');
      // An empty value is invalid for every key, so the error names the key and the variable it came from.
      let problems: string[] = [];
      try {
        loadConfig({}, { OPENWATCH_CONFIG: '/dev/null', [env]: '' });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems = err.problems;
      }
      expect(problems.join('\n')).toMatch(new RegExp(`\\.${key}: .*\\(from env ${env}\\)`));
    }
  });

  it('reads booleans from the environment as text', () => {
    const env = { OPENWATCH_CONFIG: '/dev/null', OPENWATCH_NOTIFICATIONS_ALLOW_PRIVATE_NETWORKS: 'true' };
    expect(loadConfig({}, env).config.notifications.allow_private_networks).toBe(true);
  });

  it('refuses a document without the generated-block markers', () => {
    expect(() => spliceReference('no markers here', renderConfigReference())).toThrow(/markers/);
  });
});
