import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installation root: the nearest directory above this module holding OpenWatch's package.json. Found by
 * walking up because this code runs both from its source file (core/node/) and from the build (dist/…).
 */
function findRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'openwatch')
      return d;
    if (d === dirname(d)) throw new Error('cannot find the OpenWatch installation (no package.json above)');
  }
}

export const PROJECT_ROOT = findRoot();
/** The rule corpus shipped with OpenWatch (`rules/`). */
export const BUNDLED_RULES_DIR = join(PROJECT_ROOT, 'rules');
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');
/** The console, built into web/dist by `npm run build` (scripts/build.mjs). */
export const UI_DIR = join(PROJECT_ROOT, 'web', 'dist');
export const COMMON_PASSWORDS_FILE = join(PROJECT_ROOT, 'core', 'identity', 'common-passwords.txt.gz');
/** What `npm run build` writes (scripts/build.mjs): the bundled CLI, the compiled rule corpus, build info. */
export const DIST_DIR = join(PROJECT_ROOT, 'dist');
export const COMPILED_RULES_FILE = join(DIST_DIR, 'rules.json');
export const BUILD_INFO_FILE = join(DIST_DIR, 'build-info.json');
