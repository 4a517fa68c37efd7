import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('wrangler deploy --dry-run', () => {
  it('bundles the worker with its fetch and scheduled handlers', () => {
    const out = tempDir('ow-wrangler');
    const res = spawnSync(
      join(ROOT, 'node_modules/.bin/wrangler'),
      ['deploy', '--dry-run', '--outdir', out],
      {
        cwd: ROOT,
        env: { ...cleanEnv(), WRANGLER_SEND_METRICS: 'false', CI: 'true' },
        encoding: 'utf8',
      },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('env.HYPERDRIVE');
    const bundle = readFileSync(join(out, 'worker.js'), 'utf8');
    expect(bundle).toMatch(/scheduled/);
    expect(bundle).toMatch(/export\s*\{[^}]*default/);
  }, 60_000);
});
