import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION, type BuildInfo } from '../version.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let cached: BuildInfo | undefined;

/**
 * On Node the "build" is the checkout: the commit comes from OPENWATCH_COMMIT or git, the build time from
 * OPENWATCH_BUILD_TIME or package.json's mtime.
 */
export function nodeBuildInfo(): BuildInfo {
  if (cached) return cached;
  let commit = process.env.OPENWATCH_COMMIT ?? '';
  if (!commit) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim();
    } catch {
      commit = 'unknown';
    }
  }
  const buildTime =
    process.env.OPENWATCH_BUILD_TIME ??
    statSync(new URL('../../package.json', import.meta.url)).mtime.toISOString();
  cached = { version: VERSION, commit, build_time: buildTime };
  return cached;
}
